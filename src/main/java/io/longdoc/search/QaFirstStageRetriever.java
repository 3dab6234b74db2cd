package io.longdoc.search;

import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.retriever.RetrieverBuilder;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Objects;

/**
 * The child of a standalone {@code long_doc_qa} retriever: its search is the {@code long_doc_qa} query (first stage,
 * then the reader over the whole window on each shard). Internal; never parsed.
 */
final class QaFirstStageRetriever extends RetrieverBuilder {

    private final LongDocQaQueryBuilder query;

    QaFirstStageRetriever(LongDocQaQueryBuilder query) {
        this.query = Objects.requireNonNull(query);
    }

    @Override
    public QueryBuilder topDocsQuery() {
        // only asked which documents match (rank-docs tail: total hits, aggregations): the first stage says it
        return query.firstStageQuery();
    }

    @Override
    public QueryBuilder explainQuery() {
        return query; // explain re-reads the page's hits to name their signals
    }

    @Override
    public void extractToSearchSourceBuilder(SearchSourceBuilder source, boolean compoundUsed) {
        source.query(query);
    }

    @Override
    public String getName() {
        return LongDocQaRetrieverBuilder.NAME;
    }

    @Override
    protected void doToXContent(XContentBuilder builder, Params params) throws IOException {
        builder.field("query", query);
    }

    @Override
    protected boolean doEquals(Object o) {
        return query.equals(((QaFirstStageRetriever) o).query);
    }

    @Override
    protected int doHashCode() {
        return query.hashCode();
    }
}
