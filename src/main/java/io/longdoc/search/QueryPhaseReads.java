package io.longdoc.search;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Carries the reader's reads of the hits a shard's query phase returns to the fetch phase of the same search, so that
 * a returned hit is read once. In a search of several shards the fetch phase runs in a new SearchContext with a newly
 * built query, and all that Elasticsearch keeps of the shard between the two phases is its
 * {@link org.elasticsearch.search.internal.ReaderContext}; one of these lives in each (its context map, see
 * {@link QueryPhaseReadsListener}) and goes with it: after the fetch, on the coordinating node's release of a shard
 * none of whose hits made the page, when its keep-alive expires, or, for a point in time (the implicit one of a
 * compound retriever included), when it closes. A node-level cache would need an expiry and a size bound to guess
 * at and a request key that Elasticsearch does not hand to shards; this lives exactly as long as the request's reader.
 * <p>
 * Bounded: only the hits the shard returns and the reader read (at most {@code from + size}; a retriever's child search
 * returns {@code rank_window_size}), each the hit's text and decoded sections the query phase held anyway, one set per
 * reader context (a later query phase on the same point in time replaces it); a taken read is removed. The reads are
 * keyed by the request they answer (a point in time serves many searches) and each hit by its segment's core key and
 * its doc id there, so a read never answers another question or another segment's document.
 */
final class QueryPhaseReads {

    static final String CONTEXT_KEY = "longdoc.qa.query_phase_reads";

    /** One document of one segment. */
    record Hit(Object segment, int doc) {
        /** Null when the segment has no core cache key (a reader wrapper that hides it): such hits are not carried. */
        static Hit of(LeafReaderContext leaf, int doc) {
            IndexReader.CacheHelper core = leaf.reader().getCoreCacheHelper();
            return core == null ? null : new Hit(core.getKey(), doc);
        }
    }

    private record Kept(QaRequest request, Map<Hit, QaSignals> reads) {}

    private final AtomicReference<Kept> kept = new AtomicReference<>();

    /** Keeps the reads of a query phase's returned hits, in place of any an earlier search on this reader left. */
    void keep(QaRequest request, Map<Hit, QaSignals> reads) {
        kept.set(new Kept(request, new ConcurrentHashMap<>(reads)));
    }

    /** Removes and returns the read of one hit ({@code doc} within {@code leaf}) for {@code request}; null when none. */
    QaSignals take(QaRequest request, LeafReaderContext leaf, int doc) {
        Kept reads = kept.get();
        if (reads == null || reads.request().equals(request) == false) {
            return null;
        }
        Hit hit = Hit.of(leaf, doc);
        return hit == null ? null : reads.reads().remove(hit);
    }

    /** Reads still held (for tests). */
    int size() {
        Kept reads = kept.get();
        return reads == null ? 0 : reads.reads().size();
    }
}
