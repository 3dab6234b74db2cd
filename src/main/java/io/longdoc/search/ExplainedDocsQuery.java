package io.longdoc.search;

import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.FilterWeight;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Weight;

import java.io.IOException;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Matches and scores as the fixed set of hits the {@code long_doc_qa} query rewrote to, and explains each read hit
 * by its signals ({@link QaSignals}) instead of a bare score.
 */
final class ExplainedDocsQuery extends Query {

    private final Query in;
    private final IntFunction<Explanation> byTopLevelDoc; // null: no signals kept for that doc

    ExplainedDocsQuery(Query in, IntFunction<Explanation> byTopLevelDoc) {
        this.in = Objects.requireNonNull(in);
        this.byTopLevelDoc = byTopLevelDoc;
    }

    @Override
    public Query rewrite(IndexSearcher searcher) throws IOException {
        Query rewritten = in.rewrite(searcher);
        return rewritten == in ? this : new ExplainedDocsQuery(rewritten, byTopLevelDoc);
    }

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) throws IOException {
        return new FilterWeight(this, in.createWeight(searcher, scoreMode, boost)) {
            @Override
            public Explanation explain(LeafReaderContext context, int doc) throws IOException {
                Explanation signals = byTopLevelDoc.apply(context.docBase + doc);
                return signals != null ? signals : super.explain(context, doc);
            }
        };
    }

    @Override
    public void visit(QueryVisitor visitor) {
        in.visit(visitor);
    }

    @Override
    public String toString(String field) {
        return in.toString(field);
    }

    @Override
    public boolean equals(Object other) {
        return sameClassAs(other) && in.equals(((ExplainedDocsQuery) other).in) && byTopLevelDoc == ((ExplainedDocsQuery) other).byTopLevelDoc;
    }

    @Override
    public int hashCode() {
        return Objects.hash(classHash(), in);
    }
}
