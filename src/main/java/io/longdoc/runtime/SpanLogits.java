package io.longdoc.runtime;

/**
 * A question-answering head's scores for one sequence: for every token, how likely an answer starts there and how
 * likely it ends there (unnormalised logits, as the model's {@code start_logits} and {@code end_logits}).
 */
public record SpanLogits(float[] start, float[] end) {

    public SpanLogits {
        if (start.length != end.length) {
            throw new IllegalArgumentException("start logits have " + start.length + " tokens but end logits have " + end.length);
        }
    }

    public int tokens() {
        return start.length;
    }
}
