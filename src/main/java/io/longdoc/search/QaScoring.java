package io.longdoc.search;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Objects;

/**
 * How a read hit's score is made from the reader's score and the hit's first-stage rank:
 * {@code 1 + (1 - share) × reader + share × 60 / (60 + rank)} ({@code combined}), or {@code 1 + reader}
 * ({@code reader}). The share a question gets is {@code rank_weight × (1 - lexical margin)}: the margin is how far the
 * best read candidate's lexical share lies above the runner-up's ({@link CandidateReader#lexicalMargin}), so where the
 * question's own words single out one candidate (a name only it holds) the first stage's rank counts less. The default
 * is {@code combined} with a rank weight of 0.25: chosen on the dev pages' deep-section questions (MRR@10 0.703 →
 * 0.755, top-1 0.58 → 0.66, see docs/BENCHMARKS.md), where the reader alone reorders the first stage's good hits too
 * freely; 0.5 (the former {@code combined}) gave less. The margin was added on the dev planted facts: a fixed 0.25
 * let a first stage that cannot see the fact (BM25 with the standard analyzer keeps the question's "Jasper's" whole and misses the needle's "Jasper") outrank
 * the reader's clear match (needle top-1 0.96 / 0.92 at 1k / 2k), while deep-section kept its gain (replay 0.767 →
 * 0.766, {@code bench/rank-share-levers.py}).
 *
 * @param rankWeight share of the first stage's rank score, in [0, 1]; 0 for {@code reader}
 */
public record QaScoring(QaScoreMode mode, float rankWeight) implements Writeable {

    public static final float DEFAULT_RANK_WEIGHT = 0.25f;
    public static final QaScoring DEFAULT = new QaScoring(QaScoreMode.COMBINED, DEFAULT_RANK_WEIGHT);
    /** The constant of the rank score {@code k / (k + rank)}, as in reciprocal rank fusion. */
    static final int RANK_CONSTANT = 60;

    public QaScoring {
        Objects.requireNonNull(mode);
        if (Float.isNaN(rankWeight) || rankWeight < 0 || rankWeight > 1) {
            throw new IllegalArgumentException("[rank_weight] must be between 0 and 1, got [" + rankWeight + "]");
        }
        if (mode == QaScoreMode.READER && rankWeight != 0) {
            throw new IllegalArgumentException("[rank_weight] applies only with [score_mode] combined");
        }
    }

    /** From the request's options; either may be null (not given). */
    static QaScoring parse(String scoreMode, Number rankWeight) {
        QaScoreMode mode = scoreMode == null ? DEFAULT.mode : QaScoreMode.parse(scoreMode);
        if (mode == QaScoreMode.READER) {
            if (rankWeight != null) {
                throw new IllegalArgumentException("[rank_weight] applies only with [score_mode] combined, got [score_mode] reader");
            }
            return new QaScoring(mode, 0);
        }
        return new QaScoring(mode, rankWeight == null ? DEFAULT_RANK_WEIGHT : rankWeight.floatValue());
    }

    static QaScoring readFrom(StreamInput in) throws IOException {
        return new QaScoring(in.readEnum(QaScoreMode.class), in.readFloat());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeEnum(mode);
        out.writeFloat(rankWeight);
    }

    void toXContentFields(XContentBuilder builder) throws IOException {
        builder.field("score_mode", mode.toString());
        if (mode == QaScoreMode.COMBINED) {
            builder.field("rank_weight", rankWeight);
        }
    }

    /**
     * A hit's final score from its first-stage rank (0-based) and its reader score in [0, 1] (NaN: not read). Read
     * hits score in [1, 2]; the others {@code rankScore / 2}, in (0, 0.5], so they keep their first-stage order below.
     */
    double score(int rank, double readerScore) {
        return score(rank, readerScore, 0);
    }

    /** As {@link #score(int, double)}, with the rank share shrunk by the question's lexical margin in [0, 1]. */
    double score(int rank, double readerScore, double lexicalMargin) {
        double rankScore = (double) RANK_CONSTANT / (RANK_CONSTANT + rank);
        if (Double.isNaN(readerScore)) {
            return rankScore / 2;
        }
        double share = rankShare(lexicalMargin);
        return 1 + (1 - share) * readerScore + share * rankScore;
    }

    /** The first-stage rank's share for a question: {@code rank_weight × (1 - lexical margin)}; 0 under {@code reader}. */
    double rankShare(double lexicalMargin) {
        double margin = Double.isNaN(lexicalMargin) ? 0 : Math.max(0, Math.min(1, lexicalMargin));
        return rankWeight * (1 - margin);
    }

    /** The formula, for {@code explain}. */
    String describe(double lexicalMargin) {
        if (mode == QaScoreMode.READER) {
            return "score_mode reader: 1 + reader score";
        }
        double share = rankShare(lexicalMargin);
        return "score_mode combined: 1 + " + (float) (1 - share) + " × reader score + " + (float) share + " × rank score "
            + RANK_CONSTANT + " / (" + RANK_CONSTANT + " + rank); rank share = rank_weight " + rankWeight + " × (1 − lexical margin "
            + (float) lexicalMargin + ")";
    }

    @Override
    public String toString() {
        return mode == QaScoreMode.READER ? "reader" : "combined(rank_weight=" + rankWeight + ")";
    }
}
