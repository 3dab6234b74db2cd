package io.longdoc.search;

import io.longdoc.model.LoadedModel;
import io.longdoc.search.reader.QuestionVectors;

import org.apache.lucene.util.SetOnce;
import org.elasticsearch.ElasticsearchException;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.index.query.QueryRewriteContext;

import java.util.function.Supplier;

/**
 * Encodes the question during query rewrite as an async action on the {@code longdoc_question} pool: rewrite runs
 * on transport and search threads, which must never wait for a forward pass.
 */
final class QuestionResolution {

    private QuestionResolution() {}

    /** Registers the encoding with {@code context}; {@code result} holds the resolved request once it ran. */
    static void register(QueryRewriteContext context, Supplier<QaServices> services, QaRequest request, SetOnce<QaRequest> result) {
        context.registerAsyncAction((client, listener) -> {
            QaServices node = services.get();
            try {
                node.questionExecutor().get().execute(() -> {
                    try {
                        result.set(resolve(node, request));
                    } catch (Exception e) {
                        listener.onFailure(e);
                        return;
                    } catch (LinkageError | AssertionError e) {
                        // a broken native library fails the request, not the node (Elasticsearch exits on Errors)
                        listener.onFailure(new ElasticsearchException("encoding the question failed: " + e, e));
                        return;
                    }
                    listener.onResponse(null);
                });
            } catch (Exception rejected) { // a full inference queue: 429, retryable
                listener.onFailure(rejected);
            }
        });
    }

    static QaRequest resolve(QaServices node, QaRequest request) throws Exception {
        String modelId = request.modelId() == null ? node.registry().defaultModelId() : request.modelId();
        LoadedModel model;
        try {
            model = node.registry().load(modelId);
        } catch (ResourceNotFoundException e) {
            // the model is a parameter of this request: naming one that does not exist is a bad request
            throw new IllegalArgumentException("[long_doc_qa] [model_id] " + e.getMessage(), e);
        }
        ReaderKind reader = request.reader().resolve(model);
        return request.resolved(modelId, reader, QuestionVectors.encode(model, request.questionText()));
    }
}
