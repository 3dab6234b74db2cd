package io.longdoc.summary;

import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one summary model on this node, kept across reloads, for {@code GET _longdoc/models}. */
public final class SummaryStats implements ToXContentObject {

    private final LongAdder documents = new LongAdder();
    private final LongAdder abstractive = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();
    private final LongAdder inputTokens = new LongAdder();
    private final LongAdder generatedTokens = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();

    /**
     * One document: its LED tokens and how long encoding plus generation took; a summary that was written counts its
     * generated tokens (decoder start token excluded), a fallback counts as one.
     */
    public void record(AbstractiveSummary summary, int documentTokens, long nanos) {
        documents.increment();
        inputTokens.add(documentTokens);
        totalNanos.add(nanos);
        if (summary.kind() == SummaryKind.ABSTRACTIVE) {
            abstractive.increment();
            generatedTokens.add(summary.tokens().length - 1);
        } else {
            fallbacks.increment();
        }
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        long calls = documents.sum();
        builder.startObject();
        builder.field("documents", calls);
        builder.field("abstractive", abstractive.sum());
        builder.field("extractive_fallback", fallbacks.sum());
        builder.field("input_tokens", inputTokens.sum());
        builder.field("generated_tokens", generatedTokens.sum());
        builder.field("total_latency_ms", totalNanos.sum() / 1_000_000);
        builder.field("mean_latency_ms", calls == 0 ? 0.0 : totalNanos.sum() / 1e6 / calls);
        return builder.endObject();
    }
}
