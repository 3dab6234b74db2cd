package io.longdoc.search;

import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/**
 * This node's {@code long_doc_qa} counters, shown by {@code GET _longdoc/models} as {@code long_doc_qa}: how many
 * candidates its shards loaded from the index for the reader (query, rescore, and a fetch or explain that had to read
 * a hit again), and how many returned hits had their answer placed from the query phase's read instead.
 */
public final class QaStats implements ToXContentObject {

    private final LongAdder candidateReads = new LongAdder();
    private final LongAdder reusedReads = new LongAdder();

    void candidatesRead(int count) {
        candidateReads.add(count);
    }

    void readReused() {
        reusedReads.increment();
    }

    public long candidateReads() {
        return candidateReads.sum();
    }

    public long reusedReads() {
        return reusedReads.sum();
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        builder.field("candidate_reads", candidateReads.sum());
        builder.field("reused_reads", reusedReads.sum());
        return builder.endObject();
    }
}
