package io.longdoc.bench;

import io.longdoc.graph.GemmPrecision;

import static io.longdoc.bench.BenchCli.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longdoc.it.JsonRest;

import java.util.List;
import java.util.Locale;

/**
 * Bulk ingest through the {@code long_doc} pipeline: after one simulated document (which loads the model and compiles
 * its graph, timed on its own), {@code _bulk} requests of {@code bulkSize} documents one after the other, timed from
 * the first request to the last answer. The node's own model stats give the tokens it encoded and the time its
 * encoder took, so the report can show where the end-to-end time goes.
 */
final class BulkIngestStep {

    /**
     * @param kernel           the attention kernel the node ran the model with ({@code fused} or {@code standard_ops})
     * @param precision        the GEMMs it ran ({@code placement.precision}: int8 for the bundled model's
     *                         {@code quantize: auto} on a CPU with VNNI, else fp32)
     * @param firstDocSeconds  the simulated first document: model load, graph compile and one forward pass
     * @param nodeEncoderMs    the node's {@code total_latency_ms} over the bulk (its forward passes alone)
     */
    record Result(String model, String kernel, GemmPrecision precision, int documents, int tokensPerDocument, int bulkSize, long tokens, double seconds, double firstDocSeconds,
                  double nodeEncoderMs) {
        double docsPerSecond() {
            return documents / seconds;
        }

        double tokensPerSecond() {
            return tokens / seconds;
        }

        /** Tokens per second of the node's forward passes alone. */
        double nodeEncoderTokensPerSecond() {
            return nodeEncoderMs > 0 ? tokens / (nodeEncoderMs / 1000) : Double.NaN;
        }
    }

    private BulkIngestStep() {}

    static Result run(JsonRest es, String model, List<LongDocuments.Document> documents, int bulkSize, int shards) {
        SpeedIndex.create(es, model, shards);
        progress("ingest: first document through _simulate (loads " + model + ", compiles its graph)");
        long start = System.nanoTime();
        ObjectNode simulate = JsonRest.object();
        simulate.putArray("docs").addObject().set("_source", SpeedIndex.source(documents.get(0)));
        JsonNode simulated = es.post("/_ingest/pipeline/" + SpeedIndex.PIPELINE + "/_simulate", simulate).assertSuccess().at("/docs/0");
        if (simulated.has("error")) {
            throw new IllegalStateException("the pipeline failed the first document: " + JsonRest.reasonsOf(simulated.get("error")));
        }
        double firstDocSeconds = (System.nanoTime() - start) / 1e9;
        JsonNode before = modelStats(es, model);

        progress(String.format(Locale.ROOT, "ingest: %d documents of %d tokens in _bulk requests of %d", documents.size(), documents.get(0).tokens(), bulkSize));
        start = System.nanoTime();
        for (int from = 0; from < documents.size(); from += bulkSize) {
            JsonRest.Bulk bulk = new JsonRest.Bulk();
            for (LongDocuments.Document document : documents.subList(from, Math.min(from + bulkSize, documents.size()))) {
                bulk.index(SpeedIndex.INDEX, document.id(), SpeedIndex.source(document));
            }
            JsonRest.Reply reply = es.bulk("/_bulk?pipeline=" + SpeedIndex.PIPELINE, bulk).assertSuccess();
            if (reply.at("/errors").asBoolean()) {
                throw new IllegalStateException("bulk items failed: " + JsonRest.reasonsOf(reply.at("/items")));
            }
            progress("ingest: " + Math.min(from + bulkSize, documents.size()) + " / " + documents.size() + " documents");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        JsonNode after = modelStats(es, model);

        es.post("/" + SpeedIndex.INDEX + "/_refresh", null).assertSuccess();
        long indexed = es.post("/" + SpeedIndex.INDEX + "/_count", null).assertSuccess().at("/count").asLong();
        if (indexed != documents.size()) {
            throw new IllegalStateException(indexed + " documents in the index after the bulk, " + documents.size() + " sent");
        }
        long tokens = after.path("stats").path("tokens").asLong() - before.path("stats").path("tokens").asLong();
        double encoderMs = after.path("stats").path("total_latency_ms").asDouble() - before.path("stats").path("total_latency_ms").asDouble();
        GemmPrecision precision = "int8".equals(after.path("placement").path("precision").asText()) ? GemmPrecision.INT8 : GemmPrecision.FP32;
        Result result = new Result(model, after.path("attention").path("kernel").asText("unknown"), precision, documents.size(), documents.get(0).tokens(), bulkSize,
            tokens, seconds, firstDocSeconds, encoderMs);
        progress(String.format(Locale.ROOT, "ingest: %.2f docs/s, %.0f tokens/s (node's forward passes alone: %.0f tokens/s; kernel %s, %s)",
            result.docsPerSecond(), result.tokensPerSecond(), result.nodeEncoderTokensPerSecond(), result.kernel(), result.precision()));
        return result;
    }

    /** The model's entry of {@code GET _longdoc/models/<id>}: attention kernel and stats. */
    private static JsonNode modelStats(JsonRest es, String model) {
        return es.get("/_longdoc/models/" + model).assertSuccess().at("/models/0");
    }
}
