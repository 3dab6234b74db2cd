package io.longdoc.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longdoc.it.JsonRest;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/** {@code speed.json}: every number of the run, machine-readable; not-measured values are null with the reason beside. */
final class SpeedJson {

    private SpeedJson() {}

    static String write(SpeedResults results) {
        ObjectNode root = JsonRest.object();
        root.put("harness", "speed");
        root.put("date", results.date());
        root.put("command", results.command());
        root.set("machine", machine(results.machine()));
        root.put("load_average_start", results.loadAtStart().toString());
        root.put("load_average_end", results.loadAtEnd().toString());
        root.set("settings", settings(results.settings()));
        root.set("encoder", step(results.encoder(), (node, rows) -> {
            ArrayNode array = node.putArray("rows");
            rows.forEach(row -> array.add(encoderRow(row)));
            ArrayNode ratios = node.putArray("ratios");
            results.ratios().forEach(r -> ratios.add(ratios(r)));
            node.put("ort_arena", SpeedResults.ORT_ARENA);
        }));
        root.set("kernel", step(results.kernel(), (node, lines) -> {
            ArrayNode array = node.putArray("rows");
            for (KernelLine line : lines) {
                ObjectNode row = array.addObject();
                row.put("n", line.n());
                number(row, "op_gflops", line.opGflops());
                number(row, "matmul_gflops", line.matMulGflops());
                number(row, "op_over_matmul", line.opOverMatMul());
                number(row, "projection_gemm_gflops", line.projectionGflops());
            }
        }));
        root.set("es_ingest", step(results.es().ingest(), (node, runs) -> {
            ArrayNode array = node.putArray("runs");
            for (BulkIngestStep.Result ingest : runs) {
                ingestRun(array.addObject(), ingest, results);
            }
        }));
        root.set("es_qa", step(results.es().qa(), (node, qa) -> {
            node.put("shards", qa.shards());
            node.put("candidates", qa.candidates());
            node.put("queries", qa.queries());
            number(node, "p50_ms", qa.p50Ms());
            number(node, "p95_ms", qa.p95Ms());
            number(node, "took_p50_ms", qa.tookP50Ms());
            number(node, "candidate_reads_per_question", qa.readsPerQuestion());
            if (qa.withoutReuse() != null) {
                ObjectNode without = node.putObject("without_reuse_reads");
                number(without, "p50_ms", qa.withoutReuse().p50Ms());
                number(without, "p95_ms", qa.withoutReuse().p95Ms());
                number(without, "took_p50_ms", qa.withoutReuse().tookP50Ms());
                number(without, "candidate_reads_per_question", qa.withoutReuse().readsPerQuestion());
            }
            node.put("hits", qa.hits());
            node.put("size", QaLatencyStep.SIZE);
            number(node, "first_stage_bm25_p50_ms", qa.firstStageP50Ms());
            number(node, "first_stage_bm25_p95_ms", qa.firstStageP95Ms());
        }));
        try {
            return JsonRest.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write speed.json", e);
        }
    }

    private static void ingestRun(ObjectNode node, BulkIngestStep.Result ingest, SpeedResults results) {
        node.put("model", ingest.model());
        node.put("kernel", ingest.kernel());
        node.put("precision", ingest.precision().label());
        node.put("documents", ingest.documents());
        node.put("tokens_per_document", ingest.tokensPerDocument());
        node.put("bulk_size", ingest.bulkSize());
        node.put("tokens", ingest.tokens());
        number(node, "seconds", ingest.seconds());
        number(node, "docs_per_s", ingest.docsPerSecond());
        number(node, "tokens_per_s", ingest.tokensPerSecond());
        number(node, "node_encoder_tokens_per_s", ingest.nodeEncoderTokensPerSecond());
        number(node, "first_document_s", ingest.firstDocSeconds());
        results.rawEncoderFor(ingest).ifPresentOrElse(raw -> {
            ObjectNode rawNode = node.putObject("raw_encoder");
            rawNode.put("variant", raw.variant().label());
            rawNode.put("n", raw.n());
            number(rawNode, "tokens_per_s", raw.tokensPerSecond());
            number(node, "ratio_to_raw_encoder", ingest.tokensPerSecond() / raw.tokensPerSecond());
        }, () -> node.putNull("ratio_to_raw_encoder"));
    }

    private static <T> ObjectNode step(StepResult<T> step, BiConsumer<ObjectNode, T> fill) {
        ObjectNode node = JsonRest.object();
        node.put("status", step.status().label());
        if (step.reason().isEmpty() == false) {
            node.put("reason", step.reason());
        }
        if (step.isMeasured()) {
            fill.accept(node, step.value());
        }
        return node;
    }

    private static ObjectNode encoderRow(EncoderRow row) {
        ObjectNode node = JsonRest.object();
        node.put("variant", row.variant().label());
        node.put("precision", row.precision().label());
        node.put("n", row.n());
        node.put("status", row.isMeasured() ? "measured" : "not_run");
        if (row.isMeasured()) {
            number(node, "median_ms", row.sample().medianMs());
            number(node, "min_ms", row.sample().minMs());
            number(node, "tokens_per_s", row.tokensPerSecond());
            if (row.sample().peakKnown()) {
                node.put("peak_rss_mb", row.sample().peakRssMb());
            } else {
                node.putNull("peak_rss_mb");
            }
            node.put("runs", row.sample().runs());
        } else {
            node.putNull("median_ms");
            node.putNull("tokens_per_s");
            node.putNull("peak_rss_mb");
        }
        if (row.note().isEmpty() == false) {
            node.put("note", row.note());
        }
        return node;
    }

    private static ObjectNode ratios(EncoderRatios r) {
        ObjectNode node = JsonRest.object();
        node.put("n", r.n());
        node.put("precision", r.precision().label());
        number(node, "sparse_fused_over_dense_tokens_per_s", r.speedOverDense());
        number(node, "sparse_fused_over_chunk_512_tokens_per_s", r.speedOverChunk());
        number(node, "sparse_fused_over_fp32_chunk_512_tokens_per_s", r.speedOverFp32Chunk());
        number(node, "sparse_fused_over_fp32_sparse_fused_tokens_per_s", r.speedOverFp32Fused());
        number(node, "sparse_fused_over_dense_peak_memory", r.memoryOverDense());
        number(node, "sparse_fused_over_chunk_512_peak_memory", r.memoryOverChunk());
        return node;
    }

    private static ObjectNode machine(Machine m) {
        ObjectNode node = JsonRest.object();
        node.put("cores", m.cores());
        node.put("cpu", m.cpu());
        node.put("op_isa", m.opIsa());
        node.put("int8_features", m.int8Features());
        number(node, "memory_gib", m.memoryGib() < 0 ? Double.NaN : m.memoryGib());
        node.put("os", m.os());
        node.put("jdk", m.jdk());
        node.put("onnxruntime", m.ortVersion());
        return node;
    }

    private static ObjectNode settings(SpeedSettings s) {
        ObjectNode node = JsonRest.object();
        node.put("model", s.model());
        node.put("corpus", s.corpus().toString());
        ArrayNode lengths = node.putArray("lengths");
        Arrays.stream(s.lengths()).forEach(lengths::add);
        node.put("runs", s.runs());
        node.put("warmup", s.warmup());
        node.put("threads", s.threads());
        node.put("window", s.window());
        node.put("interleave", s.interleave());
        ArrayNode precisions = node.putArray("precisions");
        s.precisions().forEach(p -> precisions.add(p.label()));
        node.put("max_dense_gb", s.maxDenseGb());
        node.put("max_run_seconds", s.maxRunSeconds());
        ArrayNode skip = node.putArray("skip");
        List.copyOf(s.skip()).forEach(skip::add);
        node.put("es_docs", s.esDocs());
        node.put("es_doc_tokens", s.esDocTokens());
        node.put("es_bulk_size", s.esBulkSize());
        node.put("qa_candidates", s.qaCandidates());
        node.put("qa_queries", s.qaQueries());
        node.put("es_shards", s.esShards());
        node.put("qa_compare_reuse", s.qaCompareReuse());
        return node;
    }

    /** JSON has no NaN: a value that could not be computed is null. */
    private static void number(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, Math.round(value * 1000) / 1000.0);
        } else {
            node.putNull(field);
        }
    }
}
