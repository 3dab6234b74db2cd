package io.longdoc.ingest;

import io.longdoc.TestModels;
import io.longdoc.model.LoadedModel;
import io.longdoc.model.ModelRegistry;
import io.longdoc.runtime.ExecutionProvider;
import io.longdoc.runtime.InferenceBudget;
import io.longdoc.runtime.OrtRuntime;
import io.longdoc.summary.AbstractiveSummarizer;
import io.longdoc.summary.AbstractiveSummary;
import io.longdoc.summary.LedSummaryModel;
import io.longdoc.summary.SummaryBudget;
import io.longdoc.summary.SummaryModels;

import org.elasticsearch.ElasticsearchException;
import org.elasticsearch.cluster.metadata.ProjectId;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.rest.RestStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code "summary": "abstractive"} in the long_doc processor, with the synthetic LED as the summary model. */
class AbstractiveSummaryProcessorTests {

    private static final String TEXT = "Longformer reads long documents. It uses a sliding window. A few global tokens see everything. "
        + "The decoder writes a summary.";

    @TempDir
    static Path root;
    static OrtRuntime runtime;
    static ModelRegistry registry;
    static SummaryModels summaryModels;

    @BeforeAll
    static void setUp() throws Exception {
        Path bundled = Files.createDirectories(root.resolve("models"));
        TestModels.miniLmFolder(bundled, "mini", TestModels.spec("mini", 384, "mean"));
        Path operator = Files.createDirectories(root.resolve("operator"));
        Process process = new ProcessBuilder(
            "python3",
            Path.of("src/test/python/led/led_synthetic.py").toAbsolutePath().toString(),
            operator.resolve("led-tiny").toString()
        ).inheritIO().start();
        assertTrue(process.waitFor(2, TimeUnit.MINUTES) && process.exitValue() == 0, "led_synthetic.py failed");
        copyWithout(operator.resolve("led-tiny"), operator.resolve("led-no-tokenizer"), "tokenizer.json");
        copyWithout(operator.resolve("led-tiny"), operator.resolve("led-no-weights"), "model.safetensors");
        copyWithout(operator.resolve("led-tiny"), operator.resolve("led-big-tokenizer"), "");
        Path bigTokenizer = operator.resolve("led-big-tokenizer/tokenizer.json");
        Files.writeString(bigTokenizer, Files.readString(bigTokenizer).replaceFirst("\"id\": 3,", "\"id\": 50000,"));
        Files.createDirectories(operator.resolve("not-led"));
        Files.writeString(operator.resolve("not-led/config.json"), "{\"model_type\": \"bart\"}");
        runtime = new OrtRuntime(2, ExecutionProvider.CPU);
        registry = new ModelRegistry(bundled, operator, "mini", runtime, root.resolve("compiled"), TestModels.opsLibrary(), InferenceBudget.UNLIMITED);
        summaryModels = new SummaryModels(operator, runtime, TestModels.opsLibrary(), InferenceBudget.UNLIMITED, root.resolve("compiled"));
    }

    private static void copyWithout(Path from, Path to, String left) throws java.io.IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path file : files.toList()) {
                if (file.getFileName().toString().equals(left) == false) {
                    Files.copy(file, to.resolve(file.getFileName()));
                }
            }
        }
    }

    @AfterAll
    static void tearDown() {
        summaryModels.close();
        registry.close();
        runtime.close();
    }

    private static LongDocProcessor create(Map<String, Object> config) {
        return new LongDocProcessor.Factory(registry, summaryModels, () -> ProcessorFixture.SAME_THREAD).create(Map.of(), "tag", null, new HashMap<>(config), ProjectId.DEFAULT);
    }

    private static IngestDocument run(LongDocProcessor processor, String text) throws Exception {
        return ProcessorFixture.run(processor, Map.of("body", text));
    }

    @Test
    void writesTheLedSummaryItsEmbeddingAndItsKind() throws Exception {
        IngestDocument document = run(create(Map.of("field", "body", "sections", true, "summary", "abstractive", "summary_model", "led-tiny")), TEXT);
        LedSummaryModel led = summaryModels.load("led-tiny");
        AbstractiveSummary expected = led.summarizer(led.generation(), System::nanoTime).summarize(TEXT, new SummaryBudget(16384, Duration.ofMinutes(1)));
        assertEquals("abstractive", document.getFieldValue("longdoc.summary_kind", String.class));
        assertEquals(expected.text(), document.getFieldValue("longdoc.summary", String.class));
        LoadedModel mini = registry.load("mini");
        List<Float> embedding = LongDocProcessor.asList(mini.encode(mini.tokenize(expected.text())).embedding());
        assertEquals(embedding, document.getFieldValue("longdoc.summary_embedding", List.class));
    }

    /**
     * With global_fields the LED reads {@code <s> title </s> body… </s>} with global attention on {@code <s>} and the
     * title's tokens, the layout the embedding model gets; built here by hand from the LED tokenizer.
     */
    @Test
    void theLedReadsTheGlobalFieldsWithGlobalAttention() throws Exception {
        String title = "Sliding windows";
        LongDocProcessor processor = create(
            Map.of("field", "body", "sections", true, "summary", "abstractive", "summary_model", "led-tiny", "global_fields", List.of("title"))
        );
        IngestDocument document = ProcessorFixture.run(processor, Map.of("body", TEXT, "title", title)); // throws on a failure

        LedSummaryModel led = summaryModels.load("led-tiny");
        AbstractiveSummarizer summarizer = led.summarizer(led.generation(), System::nanoTime);
        long[] titleIds = summarizer.tokenize(title); // <s> title </s>
        long[] bodyIds = summarizer.tokenize(TEXT);   // <s> body </s>
        long[] ids = new long[titleIds.length + bodyIds.length - 1];
        System.arraycopy(titleIds, 0, ids, 0, titleIds.length);
        System.arraycopy(bodyIds, 1, ids, titleIds.length, bodyIds.length - 1);
        long[] global = new long[ids.length];
        java.util.Arrays.fill(global, 0, titleIds.length - 1, 1L); // <s> and the title; its </s> stays local
        AbstractiveSummary expected = summarizer.summarize(ids, global, new SummaryBudget(16384, Duration.ofMinutes(1)));
        assertEquals("abstractive", document.getFieldValue("longdoc.summary_kind", String.class));
        assertEquals(expected.text(), document.getFieldValue("longdoc.summary", String.class));
        AbstractiveSummary titleLocal = summarizer.summarize(ids, new SummaryBudget(16384, Duration.ofMinutes(1)));
        assertFalse(java.util.Arrays.equals(expected.tokens(), titleLocal.tokens()), "the title's global attention changes the summary");
    }

    @Test
    void keepsTheExtractiveSummaryPastTheTokenBudget() throws Exception {
        IngestDocument extractive = run(create(Map.of("field", "body", "sections", true)), TEXT);
        IngestDocument document = run(
            create(Map.of("field", "body", "sections", true, "summary", "abstractive", "summary_model", "led-tiny", "summary_max_tokens", 8)),
            TEXT
        );
        assertEquals("extractive_fallback", document.getFieldValue("longdoc.summary_kind", String.class));
        String summary = extractive.getFieldValue("longdoc.summary", String.class);
        assertFalse(summary.isEmpty());
        assertEquals(summary, document.getFieldValue("longdoc.summary", String.class));
        assertEquals(extractive.getFieldValue("longdoc.summary_embedding", List.class), document.getFieldValue("longdoc.summary_embedding", List.class));
        assertEquals("extractive", extractive.getFieldValue("longdoc.summary_kind", String.class));
    }

    @Test
    void keepsTheExtractiveSummaryPastTheTimeBudget() throws Exception {
        IngestDocument document = run(
            create(Map.of("field", "body", "sections", true, "summary", "abstractive", "summary_model", "led-tiny", "summary_timeout", "1nanos")),
            TEXT
        );
        assertEquals("extractive_fallback", document.getFieldValue("longdoc.summary_kind", String.class));
    }

    @Test
    void keepsTheExtractiveSummaryWhenTheSummaryCouldNeverFitTheMemoryBudget() throws Exception {
        Path operator = root.resolve("operator");
        try (SummaryModels small = new SummaryModels(operator, runtime, null, new InferenceBudget(64 * 1024), root.resolve("compiled"))) {
            LongDocProcessor processor = new LongDocProcessor.Factory(registry, small, () -> ProcessorFixture.SAME_THREAD).create(
                Map.of(), "tag", null,
                new HashMap<>(Map.of("field", "body", "sections", true, "summary", "abstractive", "summary_model", "led-tiny")),
                ProjectId.DEFAULT
            );
            IngestDocument document = run(processor, TEXT);
            assertEquals("extractive_fallback", document.getFieldValue("longdoc.summary_kind", String.class));
        }
    }

    @Test
    void badSummarySpecsAreConfigurationErrorsNamingTheProblem() {
        assertConfigError(Map.of("field", "body", "sections", true, "summary", "abstractive"), "[summary_model] is required");
        assertConfigError(Map.of("field", "body", "summary", "abstractive", "summary_model", "led-tiny"), "[summary] [abstractive] needs [sections] true");
        assertConfigError(Map.of("field", "body", "sections", true, "summary", "generative"), "[summary] must be [extractive] or [abstractive]");
        assertConfigError(Map.of("field", "body", "sections", true, "summary", "abstractive", "summary_model", "nope"), "unknown summary model [nope]");
        assertConfigError(
            Map.of("field", "body", "sections", true, "summary", "abstractive", "summary_model", "not-led"),
            "summary model [not-led] is not an LED checkpoint: [config.json] has model_type [bart], expected [led]"
        );
        assertConfigError(Map.of("field", "body", "summary_model", "led-tiny"), "[summary_model] is only read with [summary] [abstractive]");
        Map<String, Object> abstractive = Map.of("field", "body", "sections", true, "summary", "abstractive");
        assertConfigError(with(abstractive, "led-no-tokenizer"), "summary model [led-no-tokenizer] has no tokenizer.json");
        assertConfigError(with(abstractive, "led-no-weights"), "summary model [led-no-weights] has neither model.safetensors");
        assertConfigError(with(abstractive, "led-big-tokenizer"), "token id 50000, but the model's vocab_size is 320");
        ElasticsearchException unavailable = assertThrows(
            ElasticsearchException.class,
            () -> new LongDocProcessor.Factory(registry, () -> ProcessorFixture.SAME_THREAD).create(
                Map.of(), "tag", null, new HashMap<>(Map.of("field", "body", "sections", true, "summary", "abstractive", "summary_model", "led-tiny")), ProjectId.DEFAULT
            )
        );
        assertTrue(unavailable.getMessage().contains("not available on this node"), unavailable.getMessage());
    }

    @Test
    void anLedFolderIsListedAsASummaryModelNotAnEmbeddingModel() {
        var entry = registry.list().stream().filter(e -> e.id().equals("led-tiny")).findFirst().orElseThrow();
        assertTrue(entry.error().contains("an LED summary model: name it in [summary_model]"), entry.error());
        assertConfigError(Map.of("field", "body", "model_id", "led-tiny"), "an LED summary model");
    }

    private static Map<String, Object> with(Map<String, Object> options, String summaryModel) {
        Map<String, Object> out = new HashMap<>(options);
        out.put("summary_model", summaryModel);
        return out;
    }

    private static void assertConfigError(Map<String, Object> config, String expected) {
        ElasticsearchException e = assertThrows(ElasticsearchException.class, () -> create(config));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(RestStatus.BAD_REQUEST, e.status());
    }
}
