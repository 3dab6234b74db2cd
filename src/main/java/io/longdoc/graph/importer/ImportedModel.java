package io.longdoc.graph.importer;

import io.longdoc.graph.AttentionPattern;
import io.longdoc.graph.EncoderWeights;

/** Weights and the attention pattern they were trained with (or, after {@link Longify}, are meant to run with). */
public record ImportedModel(EncoderWeights weights, AttentionPattern pattern) {

    public ImportedModel {
        if (weights == null || pattern == null) {
            throw new IllegalArgumentException("an imported model needs weights and a pattern");
        }
    }
}
