package io.longdoc.graph.importer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A small Hugging Face checkpoint written by tests: seeded random weights under Hugging Face's tensor names
 * ({@code nn.Linear} weights [out, in]) plus a config.json. Keeps every tensor so tests can compare.
 */
final class SyntheticCheckpoint {

    final String modelType;
    final String prefix;
    final int hidden = 8, heads = 2, intermediate = 12, layers = 2, vocab = 20, types = 2;
    final int positions;
    final Map<String, float[]> tensors = new LinkedHashMap<>();
    final Map<String, int[]> shapes = new LinkedHashMap<>();
    final Map<String, Object> config = new LinkedHashMap<>();
    private final Random random;
    String dtype = "F32";

    SyntheticCheckpoint(String modelType, String prefix, int positions, long seed) {
        this.modelType = modelType;
        this.prefix = prefix;
        this.positions = positions;
        this.random = new Random(seed);
        config.put("model_type", modelType);
        config.put("hidden_size", hidden);
        config.put("num_attention_heads", heads);
        config.put("intermediate_size", intermediate);
        config.put("num_hidden_layers", layers);
        config.put("max_position_embeddings", positions);
        config.put("layer_norm_eps", 1e-5);
        config.put("hidden_act", "gelu");
        config.put("type_vocab_size", types);
        String p = prefix;
        tensor(p + "embeddings.word_embeddings.weight", vocab, hidden);
        tensor(p + "embeddings.position_embeddings.weight", positions, hidden);
        tensor(p + "embeddings.token_type_embeddings.weight", types, hidden);
        norm(p + "embeddings.LayerNorm");
        for (int l = 0; l < layers; l++) {
            String layer = p + "encoder.layer." + l + ".";
            linear(layer + "attention.self.query", hidden, hidden);
            linear(layer + "attention.self.key", hidden, hidden);
            linear(layer + "attention.self.value", hidden, hidden);
            linear(layer + "attention.output.dense", hidden, hidden);
            norm(layer + "attention.output.LayerNorm");
            linear(layer + "intermediate.dense", hidden, intermediate);
            linear(layer + "output.dense", intermediate, hidden);
            norm(layer + "output.LayerNorm");
        }
        tensor(p + "pooler.dense.weight", hidden, hidden); // ignored by the importer, as in real checkpoints
        tensor(p + "pooler.dense.bias", hidden);
    }

    static SyntheticCheckpoint bert(long seed) {
        return new SyntheticCheckpoint("bert", "bert.", 16, seed).with("pad_token_id", 0);
    }

    static SyntheticCheckpoint roberta(long seed) {
        return new SyntheticCheckpoint("roberta", "roberta.", 18, seed).with("pad_token_id", 1);
    }

    static SyntheticCheckpoint longformer(long seed) {
        SyntheticCheckpoint c = new SyntheticCheckpoint("longformer", "longformer.", 34, seed).with("pad_token_id", 1);
        for (int l = 0; l < c.layers; l++) {
            String layer = c.prefix + "encoder.layer." + l + ".attention.self.";
            c.linear(layer + "query_global", c.hidden, c.hidden);
            c.linear(layer + "key_global", c.hidden, c.hidden);
            c.linear(layer + "value_global", c.hidden, c.hidden);
        }
        return c;
    }

    static SyntheticCheckpoint bigBird(long seed) {
        return bigBird(seed, 64);
    }

    /** BigBird with a position table of {@code positions} rows, for inputs long enough to be block sparse. */
    static SyntheticCheckpoint bigBird(long seed, int positions) {
        return new SyntheticCheckpoint("big_bird", "bert.", positions, seed).with("pad_token_id", 0).with("hidden_act", "gelu_new");
    }

    SyntheticCheckpoint with(String key, Object value) {
        config.put(key, value);
        return this;
    }

    SyntheticCheckpoint withQaHead() {
        linear("qa_outputs", hidden, 2);
        return this;
    }

    /** nn.Linear(in, out): weight [out, in], bias [out]. */
    void linear(String module, int in, int out) {
        tensor(module + ".weight", out, in);
        tensor(module + ".bias", out);
    }

    void norm(String module) {
        tensor(module + ".weight", hidden);
        tensor(module + ".bias", hidden);
    }

    void tensor(String name, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            // multiples of 1/64 in [-2, 2): exact in F16 and BF16 too, so every dtype compares exactly
            values[i] = (random.nextInt(256) - 128) / 64f;
        }
        tensors.put(name, values);
        shapes.put(name, shape);
    }

    void remove(String name) {
        tensors.remove(name);
        shapes.remove(name);
    }

    void rename(String from, String to) {
        tensors.put(to, tensors.remove(from));
        shapes.put(to, shapes.remove(from));
    }

    /** Element [row, col] of a stored 2-D tensor. */
    float at(String name, int row, int col) {
        return tensors.get(name)[row * shapes.get(name)[1] + col];
    }

    Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        tensors.forEach((name, values) -> writer.add(name, dtype, values, shapes.get(name)));
        writer.write(folder.resolve("model.safetensors"));
        Files.writeString(folder.resolve("config.json"), json(config));
        return folder;
    }

    static String json(Object value) {
        if (value instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder("{");
            map.forEach((k, v) -> out.append(out.length() > 1 ? "," : "").append('"').append(k).append("\":").append(json(v)));
            return out.append('}').toString();
        }
        if (value instanceof java.util.List<?> list) {
            StringBuilder out = new StringBuilder("[");
            list.forEach(v -> out.append(out.length() > 1 ? "," : "").append(json(v)));
            return out.append(']').toString();
        }
        if (value instanceof String s) {
            return '"' + s + '"';
        }
        return String.valueOf(value);
    }
}
