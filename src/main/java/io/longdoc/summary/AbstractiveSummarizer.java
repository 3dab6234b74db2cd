package io.longdoc.summary;

import io.longdoc.graph.DecoderConfig;
import io.longdoc.text.TokenizedText;
import io.longdoc.text.Tokenizer;

import java.util.function.LongSupplier;

/**
 * Tokenizes a document, encodes it with the LED encoder and generates its summary, within a {@link SummaryBudget}:
 * a document with more tokens than the budget (or the encoder's positions) is not encoded, and generation stops at
 * the deadline; both come back as {@link SummaryKind#EXTRACTIVE_FALLBACK} with the reason, never as an exception.
 */
public final class AbstractiveSummarizer {

    private final LedModel model;
    private final Tokenizer tokenizer;
    private final GenerationConfig generation;
    private final int maxEncoderPositions;
    private final LongSupplier nanoClock;

    public AbstractiveSummarizer(LedModel model, Tokenizer tokenizer, GenerationConfig generation, int maxEncoderPositions, LongSupplier nanoClock) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.generation = generation;
        this.maxEncoderPositions = maxEncoderPositions;
        this.nanoClock = nanoClock;
    }

    public AbstractiveSummary summarize(String text, SummaryBudget budget) throws Exception {
        return summarize(tokenize(text), budget);
    }

    /** The LED tokenizer's ids of a text, special tokens included. */
    public long[] tokenize(String text) {
        return tokenizeText(text).ids();
    }

    /** The LED tokenizer's tokens of a text, special tokens included and flagged. */
    public TokenizedText tokenizeText(String text) {
        return tokenizer.tokenize(text);
    }

    /** Summarizes a document given as the LED tokenizer's ids ({@link #tokenize}), its first token global. */
    public AbstractiveSummary summarize(long[] ids, SummaryBudget budget) throws Exception {
        return summarize(ids, LedModel.firstTokenGlobal(ids.length), budget);
    }

    /** Summarizes a document with global attention where {@code global} is 1 (the first token and, say, a title's). */
    public AbstractiveSummary summarize(long[] ids, long[] global, SummaryBudget budget) throws Exception {
        long deadline = nanoClock.getAsLong() + budget.maxTime().toNanos();
        int limit = Math.min(budget.maxInputTokens(), maxEncoderPositions);
        if (ids.length > limit) {
            return AbstractiveSummary.fallback("the document has " + ids.length + " tokens, over the budget of " + limit);
        }
        float[][] hidden = model.encode(ids, global);
        try (StepDecoder decoder = new DeadlineDecoder(model.decoder(hidden), deadline, nanoClock, budget)) {
            int[] tokens = Generation.generate(decoder, generation);
            long[] longs = java.util.Arrays.stream(tokens).asLongStream().toArray();
            return AbstractiveSummary.written(tokenizer.decode(longs, true), tokens);
        } catch (DeadlineDecoder.TimeBudgetExceeded e) {
            return AbstractiveSummary.fallback(e.getMessage());
        }
    }

    /**
     * Bytes of the decoder's caches for one document: the cross-attention keys and values (every layer, source tokens)
     * and the self-attention keys and values of every beam up to max_length, in floats.
     */
    public static long cacheBytes(DecoderConfig config, int sourceTokens, GenerationConfig generation) {
        long perPosition = 2L * config.numLayers() * config.hiddenSize() * Float.BYTES;
        return perPosition * sourceTokens + perPosition * generation.numBeams() * generation.maxLength();
    }

    /** Checks the deadline before each step, so a slow document ends between two tokens. */
    private static final class DeadlineDecoder implements StepDecoder {
        private final StepDecoder delegate;
        private final long deadline;
        private final LongSupplier clock;
        private final SummaryBudget budget;
        private int steps;

        DeadlineDecoder(StepDecoder delegate, long deadline, LongSupplier clock, SummaryBudget budget) {
            this.delegate = delegate;
            this.deadline = deadline;
            this.clock = clock;
            this.budget = budget;
        }

        @Override
        public float[][] step(int[] tokens, int[] parents) throws Exception {
            if (clock.getAsLong() - deadline > 0) {
                throw new TimeBudgetExceeded("the time budget of " + budget.maxTime().toMillis() + " ms ran out after " + steps + " generated tokens");
            }
            steps++;
            return delegate.step(tokens, parents);
        }

        @Override
        public void close() {
            delegate.close();
        }

        static final class TimeBudgetExceeded extends Exception {
            TimeBudgetExceeded(String message) {
                super(message, null, false, false);
            }
        }
    }
}
