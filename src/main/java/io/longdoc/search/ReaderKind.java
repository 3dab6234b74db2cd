package io.longdoc.search;

import io.longdoc.model.LoadedModel;

import java.util.Locale;

/** Which reader reranks the candidates and finds the answers. */
public enum ReaderKind {
    /** {@code span} when the model has a question-answering head, else {@code late_interaction}. */
    AUTO,
    /** A question-answering head reads question + document in one sequence (re-encodes the candidates). */
    SPAN,
    /** Stored section vectors and the question's words rank; the best sections are encoded to place the answer. */
    LATE_INTERACTION;

    public static ReaderKind parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[reader] must be one of [auto, span, late_interaction], got [" + value + "]");
        }
    }

    /** The reader this request runs with {@code model}; a span reader on a model without a QA head is a bad request. */
    public ReaderKind resolve(LoadedModel model) {
        boolean hasQaHead = model.hasQaHead();
        return switch (this) {
            case AUTO -> hasQaHead ? SPAN : LATE_INTERACTION;
            case SPAN -> {
                if (hasQaHead == false) {
                    throw new IllegalArgumentException(
                        "[reader] is [span] but model [" + model.spec().id() + "] has no question-answering head (qa_outputs); "
                            + "use [late_interaction] or a model with a QA head"
                    );
                }
                yield SPAN;
            }
            case LATE_INTERACTION -> LATE_INTERACTION;
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
