package io.longdoc.bench;

import static io.longdoc.bench.BenchCli.progress;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longdoc.graph.GemmPrecision;
import io.longdoc.it.ElasticsearchNode;
import io.longdoc.it.JsonRest;
import io.longdoc.text.Tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The end-to-end steps on a real node, started by the integration tests' harness ({@link ElasticsearchNode}) from the
 * {@code integ-test-zip} distribution with the plugin zip installed: bulk ingest, then {@code long_doc_qa} latency
 * over what was ingested. Without a distribution or a plugin zip both steps are reported unavailable, saying which.
 */
final class EsSteps {

    /**
     * @param workDir where the node is unzipped (its logs are kept beside it, in {@code speed-logs/})
     */
    record Setup(Path distribution, Path pluginZip, Path workDir, String heap, String model, List<GemmPrecision> precisions, Path tokenizer, Path corpus,
                 int documents, int documentTokens, int bulkSize, int candidates, int qaWarmup, int qaQueries, int shards, boolean compareReuse) {}

    /** One ingest per precision (fp32 last: the latency step queries what was ingested last, the bundled model as shipped). */
    record Results(StepResult<List<BulkIngestStep.Result>> ingest, StepResult<QaLatencyStep.Result> qa) {
        static Results both(StepResult<?> outcome) {
            return new Results(copy(outcome), copy(outcome));
        }

        private static <T> StepResult<T> copy(StepResult<?> outcome) {
            return new StepResult<>(outcome.status(), outcome.reason(), null);
        }
    }

    static final String INT8_SUFFIX = "-int8";

    private EsSteps() {}

    static Results run(Setup setup) {
        if (Files.isRegularFile(setup.pluginZip()) == false) {
            return Results.both(StepResult.unavailable("no plugin zip at " + setup.pluginZip() + " (mvn package -DskipTests builds it)"));
        }
        if (Files.isRegularFile(setup.distribution()) == false) {
            return Results.both(StepResult.unavailable("no Elasticsearch distribution at " + setup.distribution()
                + " (mvn dependency:copy@es-distribution-for-tests fetches it)"));
        }
        List<LongDocuments.Document> documents;
        try (Tokenizer tokenizer = Tokenizer.load(setup.tokenizer())) {
            progress("cutting " + setup.documents() + " documents of " + setup.documentTokens() + " tokens from " + setup.corpus());
            documents = LongDocuments.cut(tokenizer, setup.corpus(), setup.documents(), setup.documentTokens());
        } catch (Exception e) {
            return Results.both(StepResult.unavailable("no documents to ingest: " + e.getMessage()));
        }
        if (documents.size() < setup.candidates()) {
            return Results.both(StepResult.unavailable(setup.candidates() + " QA candidates need at least as many documents, --es-docs is " + documents.size()));
        }
        progress("starting Elasticsearch from " + setup.distribution().getFileName() + " with " + setup.pluginZip().getFileName());
        ElasticsearchNode node;
        try {
            ElasticsearchNode.Builder builder = ElasticsearchNode.builder("longdoc-speed")
                .clusterName("longdoc-speed")
                .distribution(setup.distribution())
                .plugin(setup.pluginZip())
                .javaHome(Path.of(System.getProperty("java.home")))
                .workDir(setup.workDir())
                .logsDir(setup.workDir().resolveSibling("speed-logs"))
                .heap(setup.heap())
                .startTimeout(Duration.ofMinutes(5));
            if (setup.precisions().contains(GemmPrecision.INT8)) {
                withInt8Copy(builder, setup.model());
            }
            node = builder.build().start();
        } catch (RuntimeException e) {
            return Results.both(StepResult.failed(e));
        }
        try (node) {
            progress("node up in " + node.startupMillis() + " ms (logs: " + node.keptLogsDir() + ")");
            JsonRest es = new JsonRest(node.restClient());
            StepResult<List<BulkIngestStep.Result>> ingest;
            try {
                List<BulkIngestStep.Result> runs = new ArrayList<>();
                for (GemmPrecision precision : ingestOrder(setup.precisions())) {
                    runs.add(BulkIngestStep.run(es, modelFor(setup.model(), precision), documents, setup.bulkSize(), setup.shards()));
                }
                ingest = StepResult.measured(runs);
            } catch (RuntimeException | AssertionError e) {
                progress("ingest failed: " + e.getMessage());
                return new Results(StepResult.failed(e), StepResult.unavailable("nothing was ingested"));
            }
            StepResult<QaLatencyStep.Result> qa;
            try {
                qa = QaLatencyStep.run(es, setup.candidates(), setup.qaWarmup(), setup.qaQueries(), setup.shards(), setup.compareReuse());
            } catch (RuntimeException | AssertionError e) {
                progress("qa failed: " + e.getMessage());
                qa = StepResult.failed(e);
            }
            return new Results(ingest, qa);
        }
    }

    /** fp32 (the bundled model as shipped) last, so the latency step reads the index it ingested. */
    static List<GemmPrecision> ingestOrder(List<GemmPrecision> precisions) {
        return precisions.stream().sorted(Comparator.comparing(p -> p == GemmPrecision.FP32)).toList();
    }

    /** The model id the node ingests with at {@code precision}: the bundled model, or its int8 operator copy. */
    static String modelFor(String model, GemmPrecision precision) {
        return precision == GemmPrecision.INT8 ? model + INT8_SUFFIX : model;
    }

    /**
     * The bundled model as an operator model with {@code compile.quantize: int8} (same files, id {@code <model>-int8}),
     * so both precisions go through the same node, pipeline and index in one run.
     */
    private static void withInt8Copy(ElasticsearchNode.Builder builder, String model) {
        String bundled = "plugins/longdoc/models/" + model + "/";
        String folder = "longdoc/models/" + modelFor(model, GemmPrecision.INT8) + "/";
        builder.withConfigFileDerivedFrom(folder + "model.json", bundled + "model.json", spec -> int8Spec(spec, modelFor(model, GemmPrecision.INT8)))
            .withConfigFileCopiedFrom(folder + "model.onnx", bundled + "model.onnx")
            .withConfigFileCopiedFrom(folder + "tokenizer.json", bundled + "tokenizer.json");
    }

    static byte[] int8Spec(byte[] bundledSpec, String id) {
        try {
            ObjectNode spec = (ObjectNode) JsonRest.MAPPER.readTree(bundledSpec);
            spec.put("id", id);
            ObjectNode compile = spec.get("compile") instanceof ObjectNode present ? present : spec.putObject("compile");
            compile.put("quantize", "int8");
            return JsonRest.MAPPER.writeValueAsBytes(spec);
        } catch (IOException e) {
            throw new UncheckedIOException("the bundled model.json does not parse", e);
        }
    }
}
