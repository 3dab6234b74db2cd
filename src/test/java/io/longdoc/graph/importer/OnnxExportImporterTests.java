package io.longdoc.graph.importer;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import io.longdoc.TestModels;
import io.longdoc.graph.Activation;
import io.longdoc.graph.AttentionPattern;
import io.longdoc.graph.EncoderConfig;
import io.longdoc.graph.EncoderWeights;
import io.longdoc.graph.FloatTensor;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The real exports shipped in the langchain4j jars (PyTorch 2.0.1, opset 11, decomposed LayerNorm). */
class OnnxExportImporterTests {

    /** The six linear layers of a layer, as node scopes under /encoder/layer.N/. */
    private static final List<String> LINEARS = List.of(
        "attention/self/query",
        "attention/self/key",
        "attention/self/value",
        "attention/output/dense",
        "intermediate/dense",
        "output/dense"
    );

    @Test
    void miniLm() throws IOException {
        checkExport(TestModels.miniLmOnnx(), 6);
    }

    @Test
    void bgeSmall() throws IOException {
        checkExport(TestModels.bgeOnnx(), 12);
    }

    @Test
    void importFileGivesDenseAttention() throws IOException {
        ImportedModel model = OnnxExportImporter.importFile(TestModels.miniLmOnnx());
        assertInstanceOf(AttentionPattern.Dense.class, model.pattern());
    }

    @Test
    void rejectsFilesThatAreNotOnnxModels(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path text = java.nio.file.Files.writeString(dir.resolve("notes.onnx"), "not an onnx model");
        SafetensorsReaderTests.assertContains(assertThrows(IOException.class, () -> OnnxExportImporter.read(text)), "[notes.onnx]");
        byte[] real = java.nio.file.Files.readAllBytes(TestModels.miniLmOnnx());
        Path truncated = java.nio.file.Files.write(dir.resolve("cut.onnx"), java.util.Arrays.copyOf(real, real.length / 2));
        SafetensorsReaderTests.assertContains(assertThrows(IOException.class, () -> OnnxExportImporter.read(truncated)), "[cut.onnx]");
    }

    private static void checkExport(Path file, int layers) throws IOException {
        OnnxExportImporter.Result result = OnnxExportImporter.load(file);
        EncoderWeights weights = result.weights();
        // 12 heads of 32 (not 6 of 64): read from the attention Reshape constants
        assertEquals(new EncoderConfig("bert", 384, 12, 1536, layers, 512, 0, 0, 1e-12f, Activation.GELU), weights.config());
        assertArrayEquals(new int[] { 30522, 384 }, weights.wordEmbeddings().shape());
        assertArrayEquals(new int[] { 2, 384 }, weights.tokenTypeEmbeddings().shape());
        assertNull(weights.qaOutputs());

        // Tensors equal the raw initializer bytes, read here independently of the importer.
        ModelProto model = OnnxExportImporter.parse(file);
        Map<String, TensorProto> initializers = new HashMap<>();
        model.getGraph().getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        Map<String, NodeProto> nodes = new HashMap<>();
        model.getGraph().getNodeList().forEach(n -> nodes.put(n.getName(), n));
        assertRaw(initializers.get("embeddings.word_embeddings.weight"), weights.wordEmbeddings());
        assertRaw(initializers.get("embeddings.position_embeddings.weight"), weights.positionEmbeddings());
        assertRaw(initializers.get("embeddings.LayerNorm.bias"), weights.embeddingNorm().beta());
        int last = layers - 1;
        assertRaw(initializers.get(nodes.get("/encoder/layer.2/attention/self/value/MatMul").getInput(1)), weights.layers().get(2).value().weight());
        assertRaw(initializers.get(nodes.get("/encoder/layer." + last + "/output/dense/MatMul").getInput(1)), weights.layers().get(last).output().weight());
        assertRaw(initializers.get("encoder.layer." + last + ".intermediate.dense.bias"), weights.layers().get(last).intermediate().bias());
        assertRaw(initializers.get("encoder.layer.1.attention.output.LayerNorm.weight"), weights.layers().get(1).attentionNorm().gamma());

        // Every layer's every linear comes from the MatMul of its own scope, and each weight initializer serves
        // exactly one linear: nothing shared across layers, nothing left over.
        Set<String> used = new HashSet<>();
        for (int l = 0; l < layers; l++) {
            for (String scope : LINEARS) {
                String node = "/encoder/layer." + l + "/" + scope + "/MatMul";
                String name = "encoder.layer." + l + "." + scope.replace('/', '.');
                String origin = result.origins().get(name + ".weight");
                assertEquals(nodes.get(node).getInput(1), origin, name);
                assertEquals(name + ".bias", result.origins().get(name + ".bias"));
                assertEquals(true, used.add(origin), origin + " used twice");
            }
        }
        Set<String> matrices = new HashSet<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDimsCount() == 2 && t.getDataType() == TensorProto.DataType.FLOAT_VALUE && t.getName().startsWith("embeddings.") == false) {
                matrices.add(t.getName());
            }
        }
        assertEquals(matrices, used);
        assertEquals(6 * layers, used.size());
    }

    private static void assertRaw(TensorProto initializer, FloatTensor tensor) {
        assertNotNull(initializer);
        float[] raw = new float[initializer.getRawData().size() / 4];
        initializer.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(raw);
        assertArrayEquals(initializer.getDimsList().stream().mapToInt(Long::intValue).toArray(), tensor.shape(), initializer.getName());
        assertArrayEquals(raw, tensor.data(), initializer.getName());
    }
}
