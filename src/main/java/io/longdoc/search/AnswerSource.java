package io.longdoc.search;

import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.elasticsearch.search.rescore.RescoreContext;

import java.util.List;

/**
 * What {@link AnswersFetchSubPhase} needs from whatever ranked a page with the reader (the {@code long_doc_qa} query,
 * its rescorer, or the marker a {@code long_doc_qa} retriever puts around its final query): how to load and read a
 * hit, and what the query phase already read of it.
 */
interface AnswerSource {

    CandidateLoader loader();

    CandidateReader reader();

    /** What the reader made of this search's hits: read in this context, or carried from its query phase. */
    HitReads reads();

    /**
     * The source of a search context: the rescorer if there is one (it ranked last), else the first
     * {@code long_doc_qa} query, or the answers marker a {@code long_doc_qa} retriever put around the final query,
     * inside the query; null when there is none.
     */
    static AnswerSource find(List<RescoreContext> rescorers, Query query) {
        if (rescorers != null) {
            for (int i = rescorers.size() - 1; i >= 0; i--) {
                if (rescorers.get(i) instanceof AnswerSource qa) {
                    return qa;
                }
            }
        }
        if (query == null) {
            return null;
        }
        AnswerSource[] found = new AnswerSource[1];
        query.visit(new QueryVisitor() {
            @Override
            public void visitLeaf(Query leaf) {
                if (found[0] == null && leaf instanceof AnswerSource qa) {
                    found[0] = qa;
                }
            }

            @Override
            public QueryVisitor getSubVisitor(BooleanClause.Occur occur, Query parent) {
                return this;
            }
        });
        return found[0];
    }
}
