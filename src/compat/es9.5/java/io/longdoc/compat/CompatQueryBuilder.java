package io.longdoc.compat;

import org.apache.lucene.search.Query;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.search.internal.MaxClauseCountQueryVisitor;

import java.io.IOException;

/**
 * {@link AbstractQueryBuilder} as Elasticsearch 9.5 declares it: {@code doToQuery(SearchExecutionContext,
 * MaxClauseCountQueryVisitor)}. The builders' inner queries are built with {@code toQuery(context)}, which counts their
 * clauses with a visitor of its own, so the one passed here is not needed. The 9.2/9.3 twin is in src/compat/es9.2.
 */
public abstract class CompatQueryBuilder<QB extends AbstractQueryBuilder<QB>> extends AbstractQueryBuilder<QB> {

    protected CompatQueryBuilder() {}

    protected CompatQueryBuilder(StreamInput in) throws IOException {
        super(in);
    }

    @Override
    protected final Query doToQuery(SearchExecutionContext context, MaxClauseCountQueryVisitor visitor) throws IOException {
        return toLuceneQuery(context);
    }

    /** The Lucene query on this shard (what {@code doToQuery} returns in every Elasticsearch version). */
    protected abstract Query toLuceneQuery(SearchExecutionContext context) throws IOException;
}
