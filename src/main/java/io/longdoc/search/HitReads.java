package io.longdoc.search;

import org.apache.lucene.index.LeafReaderContext;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the reader made of the hits of one search context, for {@code explain} and the answers fetch phase: the hits
 * this context read itself (its query phase, by top-level doc id) and, when the fetch phase runs in a new context
 * (a search of several shards), the reads its query phase left in the shard's reader context.
 */
final class HitReads {

    private final Map<Integer, QaSignals> here = new ConcurrentHashMap<>();
    private volatile QueryPhaseReads carried;

    void put(int doc, QaSignals signals) {
        here.put(doc, signals);
    }

    /** What this context read of a hit (top-level doc id); null when it read none. */
    QaSignals get(int doc) {
        return here.get(doc);
    }

    /** The reads this search's query phase carried to this fetch phase. */
    void carry(QueryPhaseReads reads) {
        this.carried = reads;
    }

    /** The read of a returned hit to place its answer from: this context's own, else the carried one; null when none. */
    QaSignals forAnswer(LeafReaderContext leaf, int doc, QaRequest request) {
        QaSignals read = here.get(leaf.docBase + doc);
        if (read != null) {
            return read;
        }
        QueryPhaseReads from = carried;
        return from == null ? null : from.take(request, leaf, doc);
    }
}
