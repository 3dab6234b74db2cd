package io.longdoc.summary;

import java.util.Locale;

/** What {@code <target>.summary_kind} says about {@code <target>.summary}. */
public enum SummaryKind {
    /** The extractive summary of a pipeline that asked for no other. */
    EXTRACTIVE,
    /** Written by the LED model. */
    ABSTRACTIVE,
    /** The extractive summary, because the document was past the token or the time budget. */
    EXTRACTIVE_FALLBACK;

    public String fieldValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
