package io.longdoc.search.reader;

import io.longdoc.TestModels;

import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A tiny Longformer question-answering model whose answers are known in advance, written as a model folder the
 * registry loads ({@code model.json} with {@code compile.weights: huggingface}, {@code config.json},
 * {@code model.safetensors}, {@code tokenizer.json}). Unit tests load it from a temp folder; an integration test can
 * install the same folder under a node's {@code config/longdoc/models/<id>/}.
 * <p>
 * The weights are constructed, not trained: every attention and feed-forward output projection is zero, so each layer
 * is {@code LayerNorm(x + 0)} and the QA head sees each token's own embedding, normalised. Each {@link #MARKERS marker}
 * word has its own embedding direction ({@code e[2k] − e[2k+1]}) from which the head reads that marker's start and end
 * logit exactly; every other word's row lies outside the marker dimensions, so its logits are 0. The best span is
 * therefore decided by where the markers are, whatever else the text holds.
 */
public final class SyntheticQaModel {

    /** A word that is one token in the tokenizer, and the start and end logit the model gives it anywhere. */
    public record Marker(String word, float start, float end) {}

    public static final Marker STRONG_START = new Marker("zebra", 8, 0);
    public static final Marker STRONG_END = new Marker("elephant", 0, 8);
    public static final Marker WEAK_START = new Marker("penguin", 5, 0);
    public static final Marker WEAK_END = new Marker("dolphin", 0, 5);
    public static final List<Marker> MARKERS = List.of(STRONG_START, STRONG_END, WEAK_START, WEAK_END);

    public static final int HIDDEN = 32;
    static final int HEADS = 2;
    static final int INTERMEDIATE = 64;
    static final int LAYERS = 2;
    /** Hugging Face's two-sided attention_window: 8 tokens each side. */
    static final int ATTENTION_WINDOW = 16;
    /** The BERT vocabulary's [PAD]; RoBERTa-style position ids count from it + 1. */
    static final int PAD_TOKEN_ID = 0;

    private SyntheticQaModel() {}

    /** Writes {@code modelsDir/id/}: 512 tokens, the bundled bge-small tokenizer (a WordPiece, uncased BERT vocabulary). */
    public static Path write(Path modelsDir, String id) throws IOException {
        return write(modelsDir, id, 512, TestModels.bgeTokenizer());
    }

    /**
     * Writes {@code modelsDir/id/} for a model that reads {@code maxTokens} tokens, with {@code tokenizerJson} (a
     * BERT-vocabulary tokenizer.json in which every marker word is one token) copied in.
     */
    public static Path write(Path modelsDir, String id, int maxTokens, Path tokenizerJson) throws IOException {
        Path folder = Files.createDirectories(modelsDir.resolve(id));
        Map<String, Integer> vocab = vocabulary(tokenizerJson);
        Files.copy(tokenizerJson, folder.resolve("tokenizer.json"));
        Files.writeString(folder.resolve("config.json"), config(vocab.size(), maxTokens + PAD_TOKEN_ID + 1));
        Files.writeString(folder.resolve("model.json"), spec(id, maxTokens));
        writeSafetensors(folder.resolve("model.safetensors"), tensors(vocab, maxTokens + PAD_TOKEN_ID + 1));
        return folder;
    }

    private static String spec(String id, int maxTokens) {
        return """
            {"id": "%s", "description": "synthetic Longformer QA model for tests: markers decide the answer",
             "architecture": "longformer", "dims": %d, "pooling": "cls", "normalize": true, "max_tokens": %d,
             "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"},
             "compile": {"weights": "huggingface"}}
            """.formatted(id, HIDDEN, maxTokens);
    }

    private static String config(int vocabSize, int positions) {
        return """
            {"model_type": "longformer", "architectures": ["LongformerForQuestionAnswering"], "vocab_size": %d,
             "hidden_size": %d, "num_attention_heads": %d, "intermediate_size": %d, "num_hidden_layers": %d,
             "max_position_embeddings": %d, "type_vocab_size": 1, "pad_token_id": %d, "layer_norm_eps": 1e-12,
             "hidden_act": "gelu", "attention_window": %d}
            """.formatted(vocabSize, HIDDEN, HEADS, INTERMEDIATE, LAYERS, positions, PAD_TOKEN_ID, ATTENTION_WINDOW);
    }

    /** Hugging Face tensor names and values; nn.Linear weights are [out, in]. */
    private static Map<String, Tensor> tensors(Map<String, Integer> vocab, int positions) {
        Random random = new Random(42);
        Map<String, Tensor> t = new LinkedHashMap<>();
        String p = "longformer.";
        t.put(p + "embeddings.word_embeddings.weight", new Tensor(wordEmbeddings(vocab, random), vocab.size(), HIDDEN));
        // positions and token types add nothing: a token's logits must not depend on where it stands
        t.put(p + "embeddings.position_embeddings.weight", new Tensor(new float[positions * HIDDEN], positions, HIDDEN));
        t.put(p + "embeddings.token_type_embeddings.weight", new Tensor(new float[HIDDEN], 1, HIDDEN));
        norm(t, p + "embeddings.LayerNorm");
        for (int l = 0; l < LAYERS; l++) {
            String layer = p + "encoder.layer." + l + ".";
            // attention and feed-forward really run (random projections) but their outputs are multiplied by zero
            for (String projection : List.of("query", "key", "value", "query_global", "key_global", "value_global")) {
                linear(t, layer + "attention.self." + projection, random(random, HIDDEN * HIDDEN), HIDDEN, HIDDEN);
            }
            linear(t, layer + "attention.output.dense", new float[HIDDEN * HIDDEN], HIDDEN, HIDDEN);
            norm(t, layer + "attention.output.LayerNorm");
            linear(t, layer + "intermediate.dense", random(random, INTERMEDIATE * HIDDEN), HIDDEN, INTERMEDIATE);
            linear(t, layer + "output.dense", new float[HIDDEN * INTERMEDIATE], INTERMEDIATE, HIDDEN);
            norm(t, layer + "output.LayerNorm");
        }
        linear(t, "qa_outputs", qaWeights(), HIDDEN, 2);
        return t;
    }

    /**
     * Marker k's row is {@code e[2k] − e[2k+1]}; every other row is random on the dimensions after the markers' and
     * has zero mean, so LayerNorm leaves the marker dimensions at exactly zero.
     */
    private static float[] wordEmbeddings(Map<String, Integer> vocab, Random random) {
        int markerDims = 2 * MARKERS.size();
        float[] rows = new float[vocab.size() * HIDDEN];
        for (int row = 0; row < vocab.size(); row++) {
            float mean = 0;
            for (int c = markerDims; c < HIDDEN; c++) {
                rows[row * HIDDEN + c] = (float) random.nextGaussian();
                mean += rows[row * HIDDEN + c];
            }
            mean /= HIDDEN - markerDims;
            for (int c = markerDims; c < HIDDEN; c++) {
                rows[row * HIDDEN + c] -= mean;
            }
        }
        for (int k = 0; k < MARKERS.size(); k++) {
            String word = MARKERS.get(k).word();
            Integer id = vocab.get(word);
            if (id == null) {
                throw new IllegalArgumentException("marker [" + word + "] is not a single token of the tokenizer's vocabulary");
            }
            int row = id * HIDDEN;
            java.util.Arrays.fill(rows, row, row + HIDDEN, 0f);
            rows[row + 2 * k] = 1;
            rows[row + 2 * k + 1] = -1;
        }
        return rows;
    }

    /**
     * LayerNorm (gamma 1, beta 0) turns a marker row into {@code ±sqrt(d/2)} on its two dimensions, so a weight of
     * {@code ±logit / (2 sqrt(d/2))} there reads the logit back exactly. Row 0 is the start head, row 1 the end head.
     */
    private static float[] qaWeights() {
        float[] w = new float[2 * HIDDEN];
        float scale = (float) (2 * Math.sqrt(HIDDEN / 2.0));
        for (int k = 0; k < MARKERS.size(); k++) {
            Marker marker = MARKERS.get(k);
            w[2 * k] = marker.start() / scale;
            w[2 * k + 1] = -marker.start() / scale;
            w[HIDDEN + 2 * k] = marker.end() / scale;
            w[HIDDEN + 2 * k + 1] = -marker.end() / scale;
        }
        return w;
    }

    private static float[] random(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextGaussian() * 0.2);
        }
        return values;
    }

    private static void linear(Map<String, Tensor> t, String module, float[] weight, int in, int out) {
        t.put(module + ".weight", new Tensor(weight, out, in));
        t.put(module + ".bias", new Tensor(new float[out], out));
    }

    private static void norm(Map<String, Tensor> t, String module) {
        float[] gamma = new float[HIDDEN];
        java.util.Arrays.fill(gamma, 1f);
        t.put(module + ".weight", new Tensor(gamma, HIDDEN));
        t.put(module + ".bias", new Tensor(new float[HIDDEN], HIDDEN));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Integer> vocabulary(Path tokenizerJson) throws IOException {
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            Map<String, Object> json = XContentHelper.convertToMap(XContentType.JSON.xContent(), in, false);
            Map<String, Object> vocab = (Map<String, Object>) ((Map<String, Object>) json.get("model")).get("vocab");
            Map<String, Integer> ids = new LinkedHashMap<>();
            vocab.forEach((word, id) -> ids.put(word, ((Number) id).intValue()));
            return ids;
        }
    }

    private record Tensor(float[] values, int... shape) {}

    /** safetensors: an 8-byte little-endian header length, a JSON header, then the F32 data in that order. */
    private static void writeSafetensors(Path file, Map<String, Tensor> tensors) throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long bytes = 4L * e.getValue().values().length;
            String shape = java.util.Arrays.toString(e.getValue().shape()).replace(" ", "");
            header.append(header.length() > 1 ? "," : "")
                .append("\"").append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":").append(shape)
                .append(",\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
            out.write(json);
            for (Tensor tensor : tensors.values()) {
                ByteBuffer data = ByteBuffer.allocate(4 * tensor.values().length).order(ByteOrder.LITTLE_ENDIAN);
                data.asFloatBuffer().put(tensor.values());
                out.write(data.array());
            }
        }
    }
}
