package io.longdoc.search;

import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.ScoreDoc;
import org.elasticsearch.common.lucene.search.TopDocsAndMaxScore;
import org.elasticsearch.index.shard.SearchOperationListener;
import org.elasticsearch.search.internal.ReaderContext;
import org.elasticsearch.search.internal.SearchContext;
import org.elasticsearch.search.query.QuerySearchResult;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands the reads of a shard's returned hits from its query phase to its fetch phase through the shard's reader
 * context ({@link QueryPhaseReads}). Registered on every index; a search without {@code long_doc_qa} costs one empty
 * holder per reader context. {@code longdoc.qa.reuse_reads: false} (dynamic) turns the hand-over off: the fetch phase
 * of a search of several shards then loads and reads each returned hit again.
 */
public final class QueryPhaseReadsListener implements SearchOperationListener {

    private volatile boolean enabled;

    public QueryPhaseReadsListener(boolean enabled) {
        this.enabled = enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The holder goes in as the reader context is made, before other threads can see it: the context's map is a plain
     * HashMap, and a point in time's reader context serves concurrent searches.
     */
    @Override
    public void onNewReaderContext(ReaderContext readerContext) {
        readerContext.putInContext(QueryPhaseReads.CONTEXT_KEY, new QueryPhaseReads());
    }

    @Override
    public void onQueryPhase(SearchContext context, long tookInNanos) {
        QueryPhaseReads carried = holder(context);
        AnswerSource source = carried == null ? null : AnswerSource.find(context.rescore(), context.query());
        QuerySearchResult result = context.queryResult();
        if (source == null || result == null || result.hasConsumedTopDocs() || result.topDocs() == null) {
            return;
        }
        TopDocsAndMaxScore top = result.topDocs();
        List<LeafReaderContext> leaves = context.searcher().getIndexReader().leaves();
        Map<QueryPhaseReads.Hit, QaSignals> reads = new HashMap<>();
        for (ScoreDoc hit : top.topDocs.scoreDocs) {
            QaSignals signals = source.reads().get(hit.doc);
            if (signals != null) {
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(hit.doc, leaves));
                QueryPhaseReads.Hit key = QueryPhaseReads.Hit.of(leaf, hit.doc - leaf.docBase);
                if (key != null) {
                    reads.put(key, signals);
                }
            }
        }
        if (reads.isEmpty() == false) { // a search that read nothing here (a retriever's final page) keeps what its child left
            carried.keep(source.reader().request(), reads);
        }
    }

    @Override
    public void onPreFetchPhase(SearchContext context) {
        QueryPhaseReads carried = holder(context);
        AnswerSource source = carried == null ? null : AnswerSource.find(context.rescore(), context.query());
        if (source != null) {
            source.reads().carry(carried);
        }
    }

    private QueryPhaseReads holder(SearchContext context) {
        ReaderContext reader = context.readerContext();
        return enabled == false || reader == null ? null : reader.getFromContext(QueryPhaseReads.CONTEXT_KEY);
    }
}
