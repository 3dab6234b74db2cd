package io.longdoc.eval;

import io.longdoc.graph.GemmPrecision;
import io.longdoc.runtime.InferenceBudget;
import io.longdoc.model.LoadedModel;
import io.longdoc.model.ModelRegistry;
import io.longdoc.runtime.ExecutionProvider;
import io.longdoc.runtime.HiddenStates;
import io.longdoc.runtime.OpsLibrary;
import io.longdoc.runtime.OrtRuntime;
import io.longdoc.search.reader.QuestionVectors;
import io.longdoc.text.TokenizedText;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The in-process side of the harness, through the plugin's own classes: the long model (the bundled spec, for the
 * questions of longdoc-doc and longdoc-sections) and the same weights as the original short model (its ONNX export as
 * it is, 512 positions, full attention) for truncate-512 and chunk-512; with {@code --quantize int8}, both in int8.
 */
final class LocalModels implements AutoCloseable {

    static final int SHORT_MAX = 512;

    private final OrtRuntime runtime;
    private final ModelRegistry registry;
    private final LoadedModel longModel;
    private final LoadedModel shortModel;
    private final String longModelId;

    /**
     * @param precision fp32 runs the bundled spec pinned to fp32 and the original export; int8 runs both as
     *                  {@link Int8Models} compiles them (the long model has the id {@link #longModelId()})
     */
    LocalModels(String modelId, Path specDir, Path sourcesDir, Path opsLibrary, Path work, GemmPrecision precision) throws Exception {
        this(modelId, specDir, sourcesDir, opsLibrary, work, precision, Map.of());
    }

    /**
     * @param compileChanges the harness's {@code --compile} changes to the long model's compile section
     *                       ({@link SpecVariant}); the id then names them
     */
    LocalModels(String modelId, Path specDir, Path sourcesDir, Path opsLibrary, Path work, GemmPrecision precision, Map<String, String> compileChanges)
        throws Exception {
        Path models = Files.createDirectories(work.resolve("models"));
        longModelId = Int8Models.id(modelId, precision) + SpecVariant.suffix(compileChanges);
        Path longFolder = Files.createDirectories(models.resolve(longModelId));
        String bundledSpec = Files.readString(specDir.resolve(modelId).resolve("model.json"));
        Files.writeString(longFolder.resolve("model.json"), SpecVariant.apply(Int8Models.longSpec(bundledSpec, longModelId, precision), compileChanges));
        link(longFolder.resolve("model.onnx"), sourcesDir.resolve(modelId + ".onnx"));
        link(longFolder.resolve("tokenizer.json"), sourcesDir.resolve(modelId + "-tokenizer.json"));
        String shortId = Int8Models.id(modelId + "-512", precision);
        Path shortFolder = Files.createDirectories(models.resolve(shortId));
        Files.writeString(shortFolder.resolve("model.json"), precision == GemmPrecision.FP32 ? """
            {"id": "%s", "description": "the original model: its ONNX export as it is", "architecture": "bert", "dims": %d,
             "pooling": "%s", "normalize": true, "max_tokens": 512, "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"}}
            """.formatted(shortId, 384, "cls") : Int8Models.shortSpec(shortId, 384, "cls"));
        link(shortFolder.resolve("model.onnx"), sourcesDir.resolve(modelId + ".onnx"));
        link(shortFolder.resolve("tokenizer.json"), sourcesDir.resolve(modelId + "-tokenizer.json"));
        runtime = new OrtRuntime(Runtime.getRuntime().availableProcessors(), ExecutionProvider.CPU);
        registry = new ModelRegistry(models, work.resolve("no-operator-models"), longModelId, runtime, work.resolve("compiled"), new OpsLibrary(opsLibrary), InferenceBudget.UNLIMITED);
        longModel = registry.load(longModelId);
        shortModel = registry.load(shortId);
        if (shortModel.spec().pooling() != longModel.spec().pooling() || shortModel.spec().dims() != longModel.spec().dims()) {
            throw new IllegalStateException("the short model must pool like the long one");
        }
    }

    /** The long model's id: the bundled one with the precision. */
    String longModelId() {
        return longModelId;
    }

    private static void link(Path link, Path target) throws Exception {
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, target.toAbsolutePath());
    }

    /** The long model itself, for replaying the reader's answer placement ({@link AnswerFeatures}). */
    LoadedModel longModel() {
        return longModel;
    }

    TokenizedText tokenize(String text) {
        return longModel.tokenize(text);
    }

    QuestionVectors longQuestion(String question) throws Exception {
        return QuestionVectors.encode(longModel, question);
    }

    float[] shortQuestion(String question) throws Exception {
        return shortModel.encode(shortModel.tokenize(question).truncate(SHORT_MAX)).embedding();
    }

    /** truncate-512: the document's first 512 tokens. */
    float[] truncated(String text) throws Exception {
        return shortModel.encode(shortModel.tokenize(text).truncate(SHORT_MAX)).embedding();
    }

    /** chunk-512: one vector per consecutive chunk of 510 text tokens, each between [CLS] and [SEP]. */
    List<float[]> chunks(String text) throws Exception {
        TokenizedText tokens = shortModel.tokenize(text);
        long cls = tokens.ids()[0];
        long sep = tokens.ids()[tokens.length() - 1];
        long[] body = Arrays.copyOfRange(tokens.ids(), 1, tokens.length() - 1);
        List<float[]> vectors = new ArrayList<>();
        for (int from = 0; from < body.length; from += SHORT_MAX - 2) {
            int to = Math.min(body.length, from + SHORT_MAX - 2);
            long[] ids = new long[to - from + 2];
            ids[0] = cls;
            System.arraycopy(body, from, ids, 1, to - from);
            ids[ids.length - 1] = sep;
            long[] global = new long[ids.length];
            global[0] = 1;
            vectors.add(shortModel.encode(ids, global).embedding());
        }
        return vectors;
    }

    /** The short model's vector of each {@code [start, end)} span of {@code text} on its own (its first 512 tokens). */
    List<float[]> spans(String text, List<int[]> spans) throws Exception {
        List<float[]> vectors = new ArrayList<>();
        for (int[] span : spans) {
            String part = text.substring(Math.min(span[0], text.length()), Math.min(span[1], text.length()));
            if (part.isBlank() == false) {
                vectors.add(shortModel.encode(shortModel.tokenize(part).truncate(SHORT_MAX)).embedding());
            }
        }
        return vectors;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot; // unit vectors
    }

    static float[] unit(float[] v) {
        return HiddenStates.normalize(v.clone());
    }

    @Override
    public void close() {
        registry.close();
        runtime.close();
    }
}
