package io.longdoc.bench;

import static io.longdoc.bench.BenchCli.progress;

import io.longdoc.it.ElasticsearchNode;
import io.longdoc.it.JsonRest;
import io.longdoc.text.Tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    record Setup(Path distribution, Path pluginZip, Path workDir, String heap, String model, Path tokenizer, Path corpus, int documents,
                 int documentTokens, int bulkSize, int candidates, int qaWarmup, int qaQueries, int shards, boolean compareReuse) {}

    record Results(StepResult<BulkIngestStep.Result> ingest, StepResult<QaLatencyStep.Result> qa) {
        static Results both(StepResult<?> outcome) {
            return new Results(copy(outcome), copy(outcome));
        }

        private static <T> StepResult<T> copy(StepResult<?> outcome) {
            return new StepResult<>(outcome.status(), outcome.reason(), null);
        }
    }

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
            node = ElasticsearchNode.builder("longdoc-speed")
                .clusterName("longdoc-speed")
                .distribution(setup.distribution())
                .plugin(setup.pluginZip())
                .javaHome(Path.of(System.getProperty("java.home")))
                .workDir(setup.workDir())
                .logsDir(setup.workDir().resolveSibling("speed-logs"))
                .heap(setup.heap())
                .startTimeout(Duration.ofMinutes(5))
                .build()
                .start();
        } catch (RuntimeException e) {
            return Results.both(StepResult.failed(e));
        }
        try (node) {
            progress("node up in " + node.startupMillis() + " ms (logs: " + node.keptLogsDir() + ")");
            JsonRest es = new JsonRest(node.restClient());
            StepResult<BulkIngestStep.Result> ingest;
            try {
                ingest = StepResult.measured(BulkIngestStep.run(es, setup.model(), documents, setup.bulkSize(), setup.shards()));
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
}
