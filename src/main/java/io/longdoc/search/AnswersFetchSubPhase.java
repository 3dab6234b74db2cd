package io.longdoc.search;

import io.longdoc.search.reader.Answer;

import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.elasticsearch.common.document.DocumentField;
import org.elasticsearch.search.fetch.FetchContext;
import org.elasticsearch.search.fetch.FetchSubPhase;
import org.elasticsearch.search.fetch.FetchSubPhaseProcessor;
import org.elasticsearch.search.fetch.StoredFieldsSpec;
import org.elasticsearch.search.rescore.RescoreContext;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds {@value #FIELD} to each hit of a search that uses {@code long_doc_qa} (as its query, inside it, or as a
 * rescorer): {@code [{text, start, end, score}]}, with character offsets into the request's text field.
 */
public final class AnswersFetchSubPhase implements FetchSubPhase {

    public static final String FIELD = "_longdoc_answers";

    @Override
    public FetchSubPhaseProcessor getProcessor(FetchContext context) {
        if (context.storedFieldsContext() != null && context.storedFieldsContext().fetchFields() == false) {
            return null; // a retriever's inner search (stored_fields _none_): only the final page gets answers
        }
        AnswerSource target = find(context);
        if (target == null) {
            return null;
        }
        return new FetchSubPhaseProcessor() {
            @Override
            public void setNextReader(LeafReaderContext readerContext) {}

            @Override
            public void process(HitContext hit) throws IOException {
                QaSignals read = target.signals(hit.readerContext().docBase + hit.docId());
                Answer answer = read != null
                    ? target.reader().answer(read.read()) // read in the query phase of this search context: reuse it
                    : target.reader().answer(target.loader().loadOne(hit.readerContext(), hit.docId(), hit.source()));
                List<Object> answers = answer == null ? List.of() : List.of(toMap(answer));
                hit.hit().setDocumentField(new DocumentField(FIELD, answers));
            }

            @Override
            public StoredFieldsSpec storedFieldsSpec() {
                return StoredFieldsSpec.NEEDS_SOURCE;
            }
        };
    }

    /**
     * The rescorer if there is one (it ranked last), else the first {@code long_doc_qa} query, or the answers marker
     * a {@code long_doc_qa} retriever put around the final query, inside the query.
     */
    private static AnswerSource find(FetchContext context) {
        List<RescoreContext> rescorers = context.rescore();
        if (rescorers != null) {
            for (int i = rescorers.size() - 1; i >= 0; i--) {
                if (rescorers.get(i) instanceof AnswerSource qa) {
                    return qa;
                }
            }
        }
        Query query = context.query();
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
            public QueryVisitor getSubVisitor(org.apache.lucene.search.BooleanClause.Occur occur, Query parent) {
                return this;
            }
        });
        return found[0];
    }

    private static Map<String, Object> toMap(Answer answer) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("text", answer.text());
        map.put("start", answer.start());
        map.put("end", answer.end());
        map.put("score", answer.score());
        return map;
    }
}
