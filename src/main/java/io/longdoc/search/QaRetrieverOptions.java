package io.longdoc.search;

import org.elasticsearch.search.retriever.RetrieverBuilder;
import org.elasticsearch.xcontent.ToXContent;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Objects;

/**
 * What a {@code long_doc_qa} retriever was asked: the question and fields (as the query's), how hits are scored,
 * the window, and either a first stage of its own or a child retriever whose hits it reranks.
 *
 * @param firstStage null when not given (then {@code hybrid} standalone; not allowed beside a child)
 * @param child      null when standalone
 */
record QaRetrieverOptions(QaRequest request, FirstStage firstStage, QaScoring scoring, int rankWindowSize, RetrieverBuilder child) {

    QaRetrieverOptions {
        Objects.requireNonNull(request);
        Objects.requireNonNull(scoring);
        if (child != null && firstStage != null) {
            throw new IllegalArgumentException("[first_stage] applies only without [retriever]: the child retriever is the first stage");
        }
        if (rankWindowSize < 1) {
            throw new IllegalArgumentException("[rank_window_size] must be at least 1, got [" + rankWindowSize + "]");
        }
    }

    FirstStage firstStageOrDefault() {
        return firstStage == null ? FirstStage.HYBRID : firstStage;
    }

    QaRetrieverOptions withRequest(QaRequest resolved) {
        return new QaRetrieverOptions(resolved, firstStage, scoring, rankWindowSize, child);
    }

    void toXContentFields(XContentBuilder builder, ToXContent.Params params) throws IOException {
        request.toXContentFields(builder);
        if (firstStage != null) {
            builder.field("first_stage", firstStage.toString());
        }
        scoring.toXContentFields(builder);
        builder.field("rank_window_size", rankWindowSize);
        if (child != null) {
            builder.field("retriever", child, params);
        }
    }
}
