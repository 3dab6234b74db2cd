package io.longdoc.summary;

/**
 * The outcome for one document: the LED's summary, or the reason the caller should write the extractive one.
 *
 * @param tokens the generated ids (decoder start token first), or null on fallback
 * @param reason why the budget was not met (null when abstractive)
 */
public record AbstractiveSummary(SummaryKind kind, String text, int[] tokens, String reason) {

    static AbstractiveSummary written(String text, int[] tokens) {
        return new AbstractiveSummary(SummaryKind.ABSTRACTIVE, text, tokens, null);
    }

    public static AbstractiveSummary fallback(String reason) {
        return new AbstractiveSummary(SummaryKind.EXTRACTIVE_FALLBACK, null, null, reason);
    }
}
