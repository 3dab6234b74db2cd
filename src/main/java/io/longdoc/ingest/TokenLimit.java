package io.longdoc.ingest;

import java.util.Locale;

/** What the processor does with a text longer than the model reads in one pass. */
public enum TokenLimit {
    /** Encode the leading tokens the model can read, and write {@code truncated: true}. */
    TRUNCATE,
    /** Fail the document with a 400. */
    ERROR;

    public static TokenLimit parse(String value) {
        for (TokenLimit limit : values()) {
            if (limit.name().equalsIgnoreCase(value)) {
                return limit;
            }
        }
        throw new IllegalArgumentException("unknown value [" + value + "], expected one of [truncate, error]");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
