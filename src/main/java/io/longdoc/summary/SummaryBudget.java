package io.longdoc.summary;

import java.time.Duration;

/**
 * The most one document may cost: input tokens (the encoder's cost grows with them; never more than the encoder's
 * positions) and wall time for encoding plus generation.
 */
public record SummaryBudget(int maxInputTokens, Duration maxTime) {
    public SummaryBudget {
        if (maxInputTokens < 2) {
            throw new IllegalArgumentException("the token budget must be at least 2, got " + maxInputTokens);
        }
        if (maxTime.isNegative() || maxTime.isZero()) {
            throw new IllegalArgumentException("the time budget must be positive, got " + maxTime);
        }
    }
}
