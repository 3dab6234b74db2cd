package io.longdoc.model;

import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one model on this node, kept across reloads. */
public final class ModelStats implements ToXContentObject {

    private final LongAdder inferenceCalls = new LongAdder();
    private final LongAdder documents = new LongAdder();
    private final LongAdder tokens = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();

    /** Records one forward pass over {@code documentCount} documents holding {@code tokenCount} tokens in all. */
    public void recordInference(int documentCount, int tokenCount, long nanos) {
        inferenceCalls.increment();
        documents.add(documentCount);
        tokens.add(tokenCount);
        totalNanos.add(nanos);
    }

    public long inferenceCalls() {
        return inferenceCalls.sum();
    }

    public long documents() {
        return documents.sum();
    }

    public long tokens() {
        return tokens.sum();
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        long calls = inferenceCalls.sum();
        long totalMillis = totalNanos.sum() / 1_000_000;
        builder.startObject();
        builder.field("inference_calls", calls);
        builder.field("documents", documents.sum());
        builder.field("tokens", tokens.sum());
        builder.field("total_latency_ms", totalMillis);
        builder.field("mean_latency_ms", calls == 0 ? 0.0 : totalNanos.sum() / 1e6 / calls);
        return builder.endObject();
    }
}
