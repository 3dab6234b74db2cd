package io.longdoc.search;

import org.apache.lucene.search.ScoreDoc;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.rank.RankDoc;
import org.elasticsearch.search.retriever.CompoundRetrieverBuilder;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The compound part of the {@code long_doc_qa} retriever, once its question is encoded: one child search of
 * {@code rank_window_size} hits, read on the shards — by the {@code long_doc_qa} query (standalone) or by the
 * {@code long_doc_qa} rescorer over the child's hits (wrapping, as Elasticsearch's {@code rescorer} retriever
 * does) — then its hits, best first, become the rank docs with {@link #normalised} scores.
 */
final class QaRerankRetriever extends CompoundRetrieverBuilder<QaRerankRetriever> {

    private final QaRetrieverOptions options;
    private final Supplier<QaServices> services;

    QaRerankRetriever(QaRetrieverOptions options, Supplier<QaServices> services) {
        this(List.of(RetrieverSource.from(options.child() != null ? options.child() : firstStage(options, services))), options, services);
    }

    private QaRerankRetriever(List<RetrieverSource> children, QaRetrieverOptions options, Supplier<QaServices> services) {
        super(children, options.rankWindowSize());
        this.options = options;
        this.services = services;
    }

    private static QaFirstStageRetriever firstStage(QaRetrieverOptions options, Supplier<QaServices> services) {
        return new QaFirstStageRetriever(LongDocQaQueryBuilder.forRetriever(options.request(), options.rankWindowSize(),
            options.firstStageOrDefault(), options.scoring(), services));
    }

    /** This retriever with the base options ({@code filter}, {@code min_score}, {@code _name}) of the one it replaces. */
    QaRerankRetriever withBase(List<QueryBuilder> filters, Float minScore, String name) {
        preFilterQueryBuilders = new java.util.ArrayList<>(filters);
        this.minScore = minScore;
        this.retrieverName = name;
        return this;
    }

    @Override
    protected QaRerankRetriever clone(List<RetrieverSource> newChildren, List<QueryBuilder> newPreFilters) {
        QaRerankRetriever copy = new QaRerankRetriever(newChildren, options, services);
        copy.preFilterQueryBuilders = newPreFilters;
        copy.retrieverName = retrieverName;
        copy.minScore = minScore;
        return copy;
    }

    @Override
    protected SearchSourceBuilder finalizeSourceBuilder(SearchSourceBuilder source) {
        if (options.child() != null) {
            // the reader reranks the child's top hits on each shard; its window is ours
            LongDocQaRescorerBuilder rescorer = new LongDocQaRescorerBuilder(options.request(), options.scoring(), services, null);
            rescorer.windowSize(rankWindowSize);
            source.addRescorer(rescorer);
        }
        return source;
    }

    @Override
    protected RankDoc[] combineInnerRetrieverResults(List<ScoreDoc[]> results, boolean explain) {
        ScoreDoc[] hits = results.get(0);
        RankDoc[] docs = new RankDoc[hits.length];
        for (int i = 0; i < hits.length; i++) {
            docs[i] = new RankDoc(hits[i].doc, normalised(hits[i].score), hits[i].shardIndex);
            docs[i].rank = i + 1;
        }
        return docs;
    }

    /**
     * The retriever's score in [0, 1], so that {@code linear} can weigh it beside others without a normaliser: a read
     * hit's query/rescorer score lies in [1, 2] (see {@link QaScoring}), so it becomes half that, in [0.5, 1]; a hit
     * the reader did not read (only past the window, never returned here) would land in (0, 0.25].
     */
    static float normalised(float score) {
        return Math.max(0f, Math.min(1f, score / 2f));
    }

    @Override
    public String getName() {
        return LongDocQaRetrieverBuilder.NAME;
    }

    @Override
    protected void doToXContent(XContentBuilder builder, Params params) throws IOException {
        options.toXContentFields(builder, params);
    }

    @Override
    public boolean doEquals(Object o) {
        return super.doEquals(o) && options.equals(((QaRerankRetriever) o).options);
    }

    @Override
    public int doHashCode() {
        return Objects.hash(super.doHashCode(), options);
    }
}
