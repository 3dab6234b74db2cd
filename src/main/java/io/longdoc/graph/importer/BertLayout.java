package io.longdoc.graph.importer;

import io.longdoc.graph.EncoderConfig;
import io.longdoc.graph.EncoderWeights;
import io.longdoc.graph.FloatTensor;
import io.longdoc.graph.LayerNormWeights;
import io.longdoc.graph.LayerWeights;
import io.longdoc.graph.Linear;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The module layout every BERT-family encoder shares (BERT, RoBERTa, Longformer, BigBird): assembles
 * {@link EncoderWeights} from a {@link ParameterSource}, checking every shape against the config.
 */
final class BertLayout {

    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.(.+)$");
    private static final Pattern KNOWN_LAYER_MODULE = Pattern.compile(
        "^(attention\\.self\\.(query|key|value)(_global)?|attention\\.output\\.(dense|LayerNorm)|intermediate\\.dense|output\\.(dense|LayerNorm))$"
    );
    private static final Pattern KNOWN_EMBEDDING = Pattern.compile("^embeddings\\.(word_embeddings|position_embeddings|token_type_embeddings|LayerNorm)$");

    private BertLayout() {}

    /** Layers present: one more than the highest {@code encoder.layer.N}; fails when some index in between is missing. */
    static int countLayers(Collection<String> paths, String source) {
        TreeSet<Integer> indices = new TreeSet<>();
        for (String path : paths) {
            Matcher m = LAYER.matcher(path);
            if (m.matches()) {
                indices.add(Integer.parseInt(m.group(1)));
            }
        }
        if (indices.isEmpty()) {
            throw new IllegalArgumentException("[" + source + "] has no encoder layers (no module named encoder.layer.N.*)");
        }
        int count = indices.last() + 1;
        if (indices.size() != count) {
            throw new IllegalArgumentException("[" + source + "] has encoder layers " + indices + ": some indices are missing");
        }
        return count;
    }

    /**
     * Fails on modules inside the embeddings or the encoder that this layout does not know (relative position
     * embeddings, adapters, …), which would otherwise be dropped silently. Heads and poolers outside are ignored.
     */
    static void rejectUnknownModules(Collection<String> paths, String source) {
        List<String> unknown = new ArrayList<>();
        for (String path : paths) {
            if (path.startsWith("embeddings.") && KNOWN_EMBEDDING.matcher(path).matches() == false) {
                unknown.add(path);
            } else if (path.startsWith("encoder.")) {
                Matcher m = LAYER.matcher(path);
                if (m.matches() == false || KNOWN_LAYER_MODULE.matcher(m.group(2)).matches() == false) {
                    unknown.add(path);
                }
            }
        }
        if (unknown.isEmpty() == false) {
            throw new IllegalArgumentException(
                "[" + source + "] has modules a BERT-family encoder does not have: " + unknown.subList(0, Math.min(10, unknown.size()))
                    + (unknown.size() > 10 ? " and " + (unknown.size() - 10) + " more" : "")
            );
        }
    }

    static EncoderWeights assemble(EncoderConfig config, ParameterSource source) throws IOException {
        int d = config.hiddenSize();
        FloatTensor words = required(source.table("embeddings.word_embeddings"), "embeddings.word_embeddings", source);
        if (words.rank() != 2 || words.dim(1) != d) {
            throw new IllegalArgumentException("[embeddings.word_embeddings] in [" + source.describe() + "] has shape " + Arrays.toString(words.shape()) + ", expected [vocab, " + d + "]");
        }
        FloatTensor positions = required(source.table("embeddings.position_embeddings"), "embeddings.position_embeddings", source)
            .expectShape("embeddings.position_embeddings", config.maxPositions(), d);
        FloatTensor types = source.table("embeddings.token_type_embeddings");
        if (types != null && (types.rank() != 2 || types.dim(1) != d)) {
            throw new IllegalArgumentException("[embeddings.token_type_embeddings] in [" + source.describe() + "] has shape " + Arrays.toString(types.shape()) + ", expected [types, " + d + "]");
        }
        LayerNormWeights embeddingNorm = norm(source, "embeddings.LayerNorm", d);
        List<LayerWeights> layers = new ArrayList<>(config.numLayers());
        for (int l = 0; l < config.numLayers(); l++) {
            layers.add(layer(config, source, "encoder.layer." + l + "."));
        }
        Linear qa = source.linear("qa_outputs");
        if (qa != null) {
            expect(qa, "qa_outputs", d, 2, source);
        }
        return new EncoderWeights(config, words, positions, types, embeddingNorm, layers, qa);
    }

    private static LayerWeights layer(EncoderConfig config, ParameterSource source, String prefix) throws IOException {
        int d = config.hiddenSize();
        int ff = config.intermediateSize();
        Linear queryGlobal = source.linear(prefix + "attention.self.query_global");
        Linear keyGlobal = source.linear(prefix + "attention.self.key_global");
        Linear valueGlobal = source.linear(prefix + "attention.self.value_global");
        boolean anyGlobal = queryGlobal != null || keyGlobal != null || valueGlobal != null;
        if (anyGlobal && (queryGlobal == null || keyGlobal == null || valueGlobal == null)) {
            throw new IllegalArgumentException(
                "[" + prefix + "attention.self] in [" + source.describe() + "] has only some of query_global, key_global and value_global"
            );
        }
        if (anyGlobal) {
            expect(queryGlobal, prefix + "attention.self.query_global", d, d, source);
            expect(keyGlobal, prefix + "attention.self.key_global", d, d, source);
            expect(valueGlobal, prefix + "attention.self.value_global", d, d, source);
        }
        return new LayerWeights(
            linear(source, prefix + "attention.self.query", d, d),
            linear(source, prefix + "attention.self.key", d, d),
            linear(source, prefix + "attention.self.value", d, d),
            linear(source, prefix + "attention.output.dense", d, d),
            norm(source, prefix + "attention.output.LayerNorm", d),
            linear(source, prefix + "intermediate.dense", d, ff),
            linear(source, prefix + "output.dense", ff, d),
            norm(source, prefix + "output.LayerNorm", d),
            queryGlobal,
            keyGlobal,
            valueGlobal
        );
    }

    private static Linear linear(ParameterSource source, String path, int in, int out) throws IOException {
        return expect(required(source.linear(path), path, source), path, in, out, source);
    }

    private static Linear expect(Linear linear, String path, int in, int out, ParameterSource source) {
        if (linear.in() != in || linear.out() != out) {
            throw new IllegalArgumentException(
                "[" + path + "] in [" + source.describe() + "] maps " + linear.in() + " → " + linear.out() + " features, expected " + in + " → " + out
            );
        }
        return linear;
    }

    private static LayerNormWeights norm(ParameterSource source, String path, int d) throws IOException {
        LayerNormWeights norm = required(source.norm(path), path, source);
        norm.gamma().expectShape(path + ".weight", d);
        return norm;
    }

    private static <T> T required(T value, String path, ParameterSource source) {
        if (value == null) {
            throw new IllegalArgumentException("[" + source.describe() + "] has no [" + path + "]");
        }
        return value;
    }
}
