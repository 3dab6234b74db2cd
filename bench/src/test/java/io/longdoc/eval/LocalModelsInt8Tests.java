package io.longdoc.eval;

import io.longdoc.graph.GemmPrecision;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --quantize int8} in process: the quality harness's long and short models load in int8 under their own ids
 * and embed what fp32 embeds to within int8's error (the node side installs the same long spec as an operator model).
 */
class LocalModelsInt8Tests {

    private static final String MODEL = "bge-small-en-v1.5";
    private static final String TEXT = "The President shall, from time to time, give to the Congress information of the State of the Union, and "
        + "recommend to their consideration such measures as he shall judge necessary and expedient. ".repeat(12);

    @Test
    void int8ModelsLoadUnderTheirOwnIdsAndStayCloseToFp32(@TempDir Path work) throws Exception {
        float[] fp32Doc;
        List<float[]> fp32Chunks;
        try (LocalModels fp32 = open(work.resolve("fp32"), GemmPrecision.FP32)) {
            assertEquals(MODEL + "-fp32", fp32.longModelId());
            fp32Doc = fp32.longQuestion(TEXT).pooled();
            fp32Chunks = fp32.chunks(TEXT);
        }
        try (LocalModels int8 = open(work.resolve("int8"), GemmPrecision.INT8)) {
            assertEquals(MODEL + "-int8", int8.longModelId());
            double longCosine = LocalModels.cosine(LocalModels.unit(int8.longQuestion(TEXT).pooled()), LocalModels.unit(fp32Doc));
            List<float[]> chunks = int8.chunks(TEXT);
            assertEquals(fp32Chunks.size(), chunks.size());
            double chunkCosine = LocalModels.cosine(LocalModels.unit(chunks.get(0)), LocalModels.unit(fp32Chunks.get(0)));
            System.out.printf("int8 vs fp32 in the quality harness's models: long %.5f, short (chunk 0) %.5f%n", longCosine, chunkCosine);
            assertTrue(longCosine > 0.98 && longCosine < 0.999999, "long model: " + longCosine);
            assertTrue(chunkCosine > 0.98 && chunkCosine < 0.999999, "short model: " + chunkCosine);
        }
    }

    private static LocalModels open(Path work, GemmPrecision precision) throws Exception {
        return new LocalModels(MODEL, Path.of("src/main/models"), Path.of("target/model-sources/" + MODEL), Path.of("onnx-ops/target/liblongdoc_ops.so"),
            work, precision);
    }
}
