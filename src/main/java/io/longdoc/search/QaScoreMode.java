package io.longdoc.search;

import java.util.Locale;

/**
 * How a reranked hit's score is made. Reranked hits score in [1, 2] and the first-stage hits beyond the reranked
 * ones in (0, 1), so reranked hits always stay above the rest, on every shard alike. {@link QaScoring} holds the mode
 * with its rank weight.
 */
public enum QaScoreMode {
    /** 1 + the reader's score scaled to [0, 1]. */
    READER,
    /** 1 + the reader's score mixed with the first stage's rank score {@code 60 / (60 + rank)}, see {@link QaScoring}. */
    COMBINED;

    public static QaScoreMode parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[score_mode] must be one of [reader, combined], got [" + value + "]");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
