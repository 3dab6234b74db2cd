package io.longdoc.search;

import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Weight;

import java.io.IOException;
import java.util.Objects;

/**
 * Matches and scores exactly as the query it wraps; it only carries how to read a hit so that
 * {@link AnswersFetchSubPhase} can place the answers of a page that a retriever ranked (whose final query is
 * Elasticsearch's rank-docs query, which knows nothing of questions).
 */
final class QaAnswersQuery extends Query implements AnswerSource {

    private final Query in;
    private final CandidateLoader loader;
    private final CandidateReader reader;
    private final HitReads reads = new HitReads();

    QaAnswersQuery(Query in, CandidateLoader loader, CandidateReader reader) {
        this.in = Objects.requireNonNull(in);
        this.loader = loader;
        this.reader = reader;
    }

    @Override
    public CandidateLoader loader() {
        return loader;
    }

    @Override
    public CandidateReader reader() {
        return reader;
    }

    /** The retriever read its window in another search (its child's): only what that search's query phase carried. */
    @Override
    public HitReads reads() {
        return reads;
    }

    @Override
    public Query rewrite(IndexSearcher searcher) throws IOException {
        Query rewritten = in.rewrite(searcher);
        return rewritten == in ? this : new QaAnswersQuery(rewritten, loader, reader);
    }

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) throws IOException {
        return in.createWeight(searcher, scoreMode, boost);
    }

    @Override
    public void visit(QueryVisitor visitor) {
        visitor.visitLeaf(this); // how the fetch sub-phase finds us
        in.visit(visitor.getSubVisitor(BooleanClause.Occur.MUST, this));
    }

    @Override
    public String toString(String field) {
        return "long_doc_qa_answers(" + in.toString(field) + ")";
    }

    @Override
    public boolean equals(Object other) {
        return sameClassAs(other) && in.equals(((QaAnswersQuery) other).in) && reader == ((QaAnswersQuery) other).reader;
    }

    @Override
    public int hashCode() {
        return Objects.hash(classHash(), in);
    }
}
