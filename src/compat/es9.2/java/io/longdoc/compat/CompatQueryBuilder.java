package io.longdoc.compat;

import org.apache.lucene.search.Query;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.index.query.SearchExecutionContext;

import java.io.IOException;

/**
 * {@link AbstractQueryBuilder} as Elasticsearch 9.2 and 9.3 declare it: {@code doToQuery(SearchExecutionContext)}.
 * The 9.5 twin of this class (src/compat/es9.5) implements the two-argument form; the query builders implement
 * {@link #toLuceneQuery} and compile unchanged against both.
 */
public abstract class CompatQueryBuilder<QB extends AbstractQueryBuilder<QB>> extends AbstractQueryBuilder<QB> {

    protected CompatQueryBuilder() {}

    protected CompatQueryBuilder(StreamInput in) throws IOException {
        super(in);
    }

    @Override
    protected final Query doToQuery(SearchExecutionContext context) throws IOException {
        return toLuceneQuery(context);
    }

    /** The Lucene query on this shard (what {@code doToQuery} returns in every Elasticsearch version). */
    protected abstract Query toLuceneQuery(SearchExecutionContext context) throws IOException;
}
