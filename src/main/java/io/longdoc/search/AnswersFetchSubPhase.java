package io.longdoc.search;

import io.longdoc.search.reader.Answer;

import org.apache.lucene.index.LeafReaderContext;
import org.elasticsearch.common.document.DocumentField;
import org.elasticsearch.search.fetch.FetchContext;
import org.elasticsearch.search.fetch.FetchSubPhase;
import org.elasticsearch.search.fetch.FetchSubPhaseProcessor;
import org.elasticsearch.search.fetch.StoredFieldsSpec;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds {@value #FIELD} to each hit of a search that uses {@code long_doc_qa} (as its query, inside it, or as a
 * rescorer): {@code [{text, start, end, score}]}, with character offsets into the request's text field. A hit the
 * query phase read is not loaded or ranked again: its read is reused, from this search context (one shard: Elasticsearch
 * runs query and fetch together) or carried through the shard's reader context ({@link QueryPhaseReads}).
 */
public final class AnswersFetchSubPhase implements FetchSubPhase {

    public static final String FIELD = "_longdoc_answers";

    private final QaStats stats;

    public AnswersFetchSubPhase(QaStats stats) {
        this.stats = stats;
    }

    @Override
    public FetchSubPhaseProcessor getProcessor(FetchContext context) {
        if (context.storedFieldsContext() != null && context.storedFieldsContext().fetchFields() == false) {
            return null; // a retriever's inner search (stored_fields _none_): only the final page gets answers
        }
        AnswerSource target = AnswerSource.find(context.rescore(), context.query());
        if (target == null) {
            return null;
        }
        return new FetchSubPhaseProcessor() {
            @Override
            public void setNextReader(LeafReaderContext readerContext) {}

            @Override
            public void process(HitContext hit) throws IOException {
                QaSignals read = target.reads().forAnswer(hit.readerContext(), hit.docId(), target.reader().request());
                Answer answer;
                if (read != null) { // the query phase read it (in this context, or carried from the shard's reader context)
                    stats.readReused();
                    answer = target.reader().answer(read.read());
                } else {
                    answer = target.reader().answer(target.loader().loadOne(hit.readerContext(), hit.docId(), hit.source()));
                }
                List<Object> answers = answer == null ? List.of() : List.of(toMap(answer));
                hit.hit().setDocumentField(new DocumentField(FIELD, answers));
            }

            @Override
            public StoredFieldsSpec storedFieldsSpec() {
                return StoredFieldsSpec.NEEDS_SOURCE;
            }
        };
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
