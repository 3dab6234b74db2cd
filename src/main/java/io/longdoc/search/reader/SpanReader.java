package io.longdoc.search.reader;

import ai.onnxruntime.OrtException;
import io.longdoc.model.LoadedModel;
import io.longdoc.runtime.SpanLogits;
import io.longdoc.text.TokenizedText;

/**
 * Finds the answer to a question in a text with a model that has a question-answering head: one forward pass over
 * {@code [CLS] question [SEP] text [SEP]} (see {@link QaSequence}), then the span of text tokens with the highest
 * start logit + end logit, at most {@code maxAnswerTokens} long.
 * <p>
 * A text longer than the model reads (its spec's {@code max_tokens}, less the question and the special tokens) is cut
 * at its end: the answer is only looked for in the part that fits. Callers bound long documents themselves (a token
 * budget, or passages); re-reading a whole long document is the GPU-node case ARCHITECTURE.md describes.
 */
public final class SpanReader {

    public static final int DEFAULT_MAX_ANSWER_TOKENS = 30;

    private final int maxAnswerTokens;

    public SpanReader() {
        this(DEFAULT_MAX_ANSWER_TOKENS);
    }

    /** @param maxAnswerTokens the longest answer in tokens (start and end token included) */
    public SpanReader(int maxAnswerTokens) {
        if (maxAnswerTokens < 1) {
            throw new IllegalArgumentException("maxAnswerTokens must be at least 1, got: " + maxAnswerTokens);
        }
        this.maxAnswerTokens = maxAnswerTokens;
    }

    public int maxAnswerTokens() {
        return maxAnswerTokens;
    }

    /** The best answer span in {@code text}; its offsets are UTF-16 indices into {@code text}. */
    public Answer read(LoadedModel model, String question, String text) throws OrtException {
        if (model.hasQaHead() == false) {
            throw new IllegalArgumentException(
                "model [" + model.spec().id() + "] has no question-answering head (qa_outputs); use the late_interaction reader"
            );
        }
        requireContent("question", question);
        requireContent("text", text);
        QaSequence sequence = QaSequence.of(model.tokenizePair(question, text), model.spec().maxTokens());
        SpanLogits logits = model.spanLogits(sequence.ids(), sequence.globalMask());
        TokenSpan best = bestSpan(logits, sequence.textStart(), sequence.textEnd(), maxAnswerTokens);
        TokenizedText tokens = sequence.pair().tokens();
        int start = tokens.starts()[best.first()];
        int end = tokens.ends()[best.last()];
        return new Answer(text.substring(start, end), start, end, best.score());
    }

    /** Tokens {@code [first, last]} (both included) of the sequence and their score. */
    record TokenSpan(int first, int last, double score) {}

    /**
     * The span {@code first ≤ last ≤ first + maxTokens − 1} inside tokens {@code [from, to)} with the highest
     * start[first] + end[last]; on ties the earliest start, then the shortest span.
     */
    static TokenSpan bestSpan(SpanLogits logits, int from, int to, int maxTokens) {
        if (from < 0 || to > logits.tokens() || from >= to) {
            throw new IllegalArgumentException("tokens [" + from + ", " + to + ") are not a non-empty range of " + logits.tokens());
        }
        int bestFirst = -1;
        int bestLast = -1;
        double best = Double.NEGATIVE_INFINITY;
        for (int first = from; first < to; first++) {
            int lastLimit = (int) Math.min(to, (long) first + maxTokens); // no overflow for a huge limit
            for (int last = first; last < lastLimit; last++) {
                double score = (double) logits.start()[first] + logits.end()[last];
                if (score > best || bestFirst < 0) {
                    best = score;
                    bestFirst = first;
                    bestLast = last;
                }
            }
        }
        return new TokenSpan(bestFirst, bestLast, best);
    }

    private static void requireContent(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the " + name + " must not be empty");
        }
    }
}
