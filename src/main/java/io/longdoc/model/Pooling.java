package io.longdoc.model;

import java.util.Locale;

/** How token vectors [n, d] become one document vector [d]. */
public enum Pooling {
    /** The first token's vector ([CLS] / &lt;s&gt;), as BGE was trained. */
    CLS,
    /** The mean over the non-padding tokens, as sentence-transformers models were trained. */
    MEAN;

    public static Pooling parse(String value) {
        for (Pooling pooling : values()) {
            if (pooling.name().equalsIgnoreCase(value)) {
                return pooling;
            }
        }
        throw new IllegalArgumentException("unknown pooling [" + value + "], expected one of [cls, mean]");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
