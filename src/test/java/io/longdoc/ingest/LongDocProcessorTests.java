package io.longdoc.ingest;

import io.longdoc.runtime.InferenceBudget;
import io.longdoc.TestModels;
import io.longdoc.model.LoadedModel;
import io.longdoc.model.ModelRegistry;
import io.longdoc.runtime.ExecutionProvider;
import io.longdoc.runtime.OrtRuntime;
import io.longdoc.text.Sectioner;
import io.longdoc.text.TokenizedText;

import org.elasticsearch.ElasticsearchException;
import org.elasticsearch.cluster.metadata.ProjectId;
import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.ExceptionsHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

import static io.longdoc.ingest.ProcessorFixture.SAME_THREAD;
import static io.longdoc.ingest.ProcessorFixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LongDocProcessorTests {

    @TempDir
    static Path root;
    static OrtRuntime runtime;
    static ModelRegistry registry;

    @BeforeAll
    static void setUp() throws Exception {
        Path bundled = Files.createDirectories(root.resolve("models"));
        TestModels.miniLmFolder(bundled, "mini", TestModels.spec("mini", 384, "mean"));
        // A sparse model (MiniLM longified, window 32): global attention changes what a token sees, unlike in "mini".
        TestModels.miniLmFolder(bundled, "sparse-mini", """
            {"id": "sparse-mini", "architecture": "bert", "dims": 384, "pooling": "mean", "normalize": true, "max_tokens": 1024,
             "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"},
             "compile": {"weights": "onnx_export", "longify": true, "attention": {"type": "sliding_window", "window": 32}}}
            """);
        runtime = new OrtRuntime(2, ExecutionProvider.CPU);
        registry = new ModelRegistry(bundled, root.resolve("no-operator-models"), "mini", runtime, root.resolve("compiled"), TestModels.opsLibrary(), InferenceBudget.UNLIMITED);
    }

    @AfterAll
    static void tearDown() {
        registry.close();
        runtime.close();
    }

    private static LongDocProcessor create(Map<String, Object> config) {
        return new LongDocProcessor.Factory(registry, () -> SAME_THREAD).create(Map.of(), "tag", null, new HashMap<>(config), ProjectId.DEFAULT);
    }

    @Test
    void factoryReadsOptionsAndDefaults() {
        LongDocProcessor processor = create(Map.of("field", "body"));
        assertEquals("body", processor.field());
        assertEquals("longdoc", processor.targetField());
        assertEquals("mini", processor.modelId(), "the node's default model");
        assertFalse(processor.ignoreMissing());
        assertEquals(TokenLimit.TRUNCATE, processor.tokenLimit());
        assertTrue(processor.isAsync());

        processor = create(Map.of("field", "body", "target_field", "t", "model_id", "mini", "ignore_missing", true, "max_tokens", "error"));
        assertEquals("t", processor.targetField());
        assertTrue(processor.ignoreMissing());
        assertEquals(TokenLimit.ERROR, processor.tokenLimit());
    }

    @Test
    void factoryRejectsBadOptionsNamingThem() {
        assertConfigError(Map.of(), "[field] required property is missing");
        assertConfigError(Map.of("field", "body", "model_id", "nope"), "[model_id] unknown model [nope]");
        assertConfigError(Map.of("field", "body", "model_id", "../x"), "[model_id] invalid model id [../x]");
        assertConfigError(Map.of("field", "body", "max_tokens", "chop"), "[max_tokens] unknown value [chop]");
        assertConfigError(Map.of("field", "body", "unknown", 1), null); // leftovers are reported by the pipeline itself
        assertConfigError(Map.of("field", "body", "sections", true, "section_breaks", "pages"),
            "[section_breaks] must be [headings] or [sentences], got [pages]");
        assertConfigError(Map.of("field", "body", "section_breaks", "headings"), "[section_breaks] is only read with [sections] true");
    }

    @Test
    void sectionBreaksDefaultAndBothValues() {
        assertEquals(LongDocProcessor.DEFAULT_SECTION_BREAKS, create(Map.of("field", "body", "sections", true)).sectionBreaks());
        assertNull(create(Map.of("field", "body")).sectionBreaks(), "no sections, no sectioner");
        for (Sectioner.Breaks breaks : Sectioner.Breaks.values()) {
            assertEquals(breaks, create(Map.of("field", "body", "sections", true, "section_breaks", breaks.toString())).sectionBreaks());
        }
    }

    private static void assertConfigError(Map<String, Object> config, String expected) {
        if (expected == null) {
            Map<String, Object> copy = new HashMap<>(config);
            new LongDocProcessor.Factory(registry, () -> SAME_THREAD).create(Map.of(), "tag", null, copy, ProjectId.DEFAULT);
            assertEquals(Map.of("unknown", 1), copy, "unknown keys are left for Elasticsearch to reject");
            return;
        }
        ElasticsearchException e = assertThrows(ElasticsearchException.class, () -> create(config));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(RestStatus.BAD_REQUEST, e.status());
    }

    @Test
    void writesEmbeddingTokensAndModel() throws Exception {
        IngestDocument doc = run(create(Map.of("field", "body")), Map.of("body", "Government of the people, by the people, for the people."));
        List<?> embedding = doc.getFieldValue("longdoc.embedding", List.class);
        assertEquals(384, embedding.size());
        double norm = 0;
        for (Object v : embedding) {
            norm += ((Float) v) * ((Float) v);
        }
        assertEquals(1.0, norm, 1e-4);
        assertEquals(13, doc.getFieldValue("longdoc.tokens", Integer.class));
        assertEquals(false, doc.getFieldValue("longdoc.truncated", Boolean.class));
        assertEquals("mini", doc.getFieldValue("longdoc.model", String.class));
    }

    @Test
    void longTextIsTruncatedAndFlaggedOrRejected() throws Exception {
        String text = "liberty and union ".repeat(400); // 1200 tokens
        IngestDocument doc = run(create(Map.of("field", "body")), Map.of("body", text));
        assertEquals(1200, doc.getFieldValue("longdoc.tokens", Integer.class));
        assertEquals(true, doc.getFieldValue("longdoc.truncated", Boolean.class));

        var e = assertThrows(IllegalArgumentException.class, () -> run(create(Map.of("field", "body", "max_tokens", "error")), Map.of("body", text)));
        assertTrue(e.getMessage().contains("field [body] has 1202 tokens but model [mini] reads at most 512"), e.getMessage());
    }

    @Test
    void badValuesFailNamingTheField() {
        LongDocProcessor processor = create(Map.of("field", "body"));
        assertBadInput(processor, Map.of(), "field [body] not present");
        assertBadInput(processor, mapWithNull("body"), "field [body] is null");
        assertBadInput(processor, Map.of("body", 42), "field [body] must be a string (one text per document), got a [number]");
        assertBadInput(processor, Map.of("body", List.of("a", "b")), "got a [array]");
        assertBadInput(processor, Map.of("body", Map.of("x", "y")), "got a [object]");
        assertBadInput(processor, Map.of("body", ""), "field [body] is empty or only whitespace");
        assertBadInput(processor, Map.of("body", " \n\t "), "field [body] is empty or only whitespace");
    }

    private static void assertBadInput(LongDocProcessor processor, Map<String, Object> source, String expected) {
        Exception e = assertThrows(Exception.class, () -> run(processor, source));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(RestStatus.BAD_REQUEST, ExceptionsHelper.status(e));
    }

    @Test
    @SuppressWarnings("unchecked")
    void sectionsAndSummaryComeFromTheSamePass() throws Exception {
        String address = firstSotuAddress();
        String text = address.substring(0, address.lastIndexOf(". ", 2000) + 1); // ≈400 tokens of real prose, whole sentences
        IngestDocument doc = run(create(Map.of("field", "body", "sections", true, "summary_sections", 2)), Map.of("body", text));
        List<Map<String, Object>> sections = doc.getFieldValue("longdoc.sections", List.class);
        assertTrue(sections.size() >= 4, "a 400-token text gives several sections: " + sections.size());
        int previousEnd = 0;
        for (Map<String, Object> section : sections) {
            int start = (Integer) section.get("start");
            int end = (Integer) section.get("end");
            assertTrue(start >= previousEnd && end > start && end <= text.length(), "ordered spans inside the text: " + start + ".." + end);
            List<Float> vector = (List<Float>) section.get("vector");
            assertEquals(384, vector.size());
            assertEquals(1.0, norm(vector), 1e-4);
            previousEnd = end;
        }
        byte[] packed = java.util.Base64.getDecoder().decode(doc.getFieldValue("longdoc.section_vectors", String.class));
        List<io.longdoc.document.StoredSection> stored = io.longdoc.document.SectionVectorCodec.decode(packed, 0, packed.length);
        assertEquals(sections.size(), stored.size(), "the packed copy holds every section");
        for (int i = 0; i < stored.size(); i++) {
            assertEquals(sections.get(i).get("start"), stored.get(i).start());
            assertEquals(sections.get(i).get("end"), stored.get(i).end());
            assertEquals(((List<Float>) sections.get(i).get("vector")).get(7), stored.get(i).vector()[7], 0f, "same vector, bit for bit");
        }
        String summary = doc.getFieldValue("longdoc.summary", String.class);
        List<String> sectionTexts = sections.stream().map(x -> text.substring((Integer) x.get("start"), (Integer) x.get("end"))).toList();
        String[] lines = summary.split("\n");
        assertEquals(2, lines.length, "two sections in the summary: " + summary);
        assertTrue(sectionTexts.indexOf(lines[0]) >= 0 && sectionTexts.indexOf(lines[1]) > sectionTexts.indexOf(lines[0]),
            "the summary is two of the sections, in document order: " + summary);
        assertEquals(1.0, norm(doc.getFieldValue("longdoc.summary_embedding", List.class)), 1e-4);

        assertFalse(run(create(Map.of("field", "body")), Map.of("body", text)).hasField("longdoc.sections"), "off by default");
        assertConfigError(Map.of("field", "body", "sections", true, "summary_sections", 0), "[summary_sections] must be at least 1");
    }

    /** The longdoc-mappings template maps exactly the fields the processor writes: none missing, none extra. */
    @Test
    @SuppressWarnings("unchecked")
    void theComponentTemplateMapsExactlyWhatTheProcessorWrites() throws Exception {
        String address = firstSotuAddress();
        String text = address.substring(0, address.lastIndexOf(". ", 2000) + 1);
        IngestDocument doc = run(create(Map.of("field", "body", "sections", true)), Map.of("body", text));
        Map<String, Object> written = doc.getFieldValue(io.longdoc.document.StoredFields.DEFAULT_TARGET, Map.class);
        Map<String, Object> firstSection = ((List<Map<String, Object>>) written.get(io.longdoc.document.StoredFields.SECTIONS)).get(0);

        org.elasticsearch.cluster.metadata.ComponentTemplate template = io.longdoc.template.LongdocMappings.template();
        Map<String, Object> mappings = org.elasticsearch.common.xcontent.XContentHelper.convertToMap(
            template.template().mappings().uncompressed(), true, org.elasticsearch.xcontent.XContentType.JSON).v2();
        Map<String, Object> root = (Map<String, Object>) mappings.getOrDefault("_doc", mappings);
        Map<String, Object> mapped = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) root.get("properties"))
            .get(io.longdoc.document.StoredFields.DEFAULT_TARGET)).get("properties");
        Map<String, Object> mappedSection = (Map<String, Object>) ((Map<String, Object>) mapped.get(io.longdoc.document.StoredFields.SECTIONS)).get("properties");

        assertEquals(new java.util.TreeSet<>(mapped.keySet()), new java.util.TreeSet<>(written.keySet()), "fields under the target");
        assertEquals(new java.util.TreeSet<>(mappedSection.keySet()), new java.util.TreeSet<>(firstSection.keySet()), "fields of a section");
        assertEquals(384, ((Map<String, Object>) mapped.get(io.longdoc.document.StoredFields.EMBEDDING)).get("dims"), "the bundled models' width");
        assertEquals(((List<?>) written.get(io.longdoc.document.StoredFields.EMBEDDING)).size(), ((Map<String, Object>) mappedSection.get("vector")).get("dims"));
    }

    private static String firstSotuAddress() throws Exception {
        try (var reader = io.longdoc.corpus.Corpus.open(io.longdoc.corpus.Corpus.sotu())) {
            return (String) org.elasticsearch.common.xcontent.XContentHelper.convertToMap(
                org.elasticsearch.xcontent.XContentType.JSON.xContent(), reader.readLine(), false).get("text");
        }
    }

    private static double norm(List<?> vector) {
        double sum = 0;
        for (Object v : vector) {
            sum += ((Float) v) * ((Float) v);
        }
        return Math.sqrt(sum);
    }

    // ---- global_fields

    private static final String TITLE = "The Emancipation Proclamation and the war for the Union";

    @Test
    @SuppressWarnings("unchecked")
    void globalFieldsChangeTheVectorsButNotTheSectionOffsetsOrTokenCount() throws Exception {
        String address = firstSotuAddress();
        String text = address.substring(0, address.lastIndexOf(". ", 2000) + 1);
        Map<String, Object> config = Map.of("field", "body", "sections", true);
        IngestDocument plain = run(create(config), Map.of("body", text, "title", TITLE));
        IngestDocument titled = run(create(withGlobalFields(config, "title")), Map.of("body", text, "title", TITLE));

        List<Map<String, Object>> plainSections = plain.getFieldValue("longdoc.sections", List.class);
        List<Map<String, Object>> titledSections = titled.getFieldValue("longdoc.sections", List.class);
        assertEquals(offsets(plainSections), offsets(titledSections), "sections are cut from the body alone, offsets into the body");
        assertEquals(plain.getFieldValue("longdoc.tokens", Integer.class), titled.getFieldValue("longdoc.tokens", Integer.class), "tokens of the body");
        assertEquals(false, titled.getFieldValue("longdoc.truncated", Boolean.class));

        List<Float> plainEmbedding = plain.getFieldValue("longdoc.embedding", List.class);
        List<Float> titledEmbedding = titled.getFieldValue("longdoc.embedding", List.class);
        assertTrue(cosine(plainEmbedding, titledEmbedding) < 0.9999, "the title is read with the body: " + cosine(plainEmbedding, titledEmbedding));
        assertEquals(1.0, norm(titledEmbedding), 1e-4);
        List<Float> firstPlain = (List<Float>) plainSections.get(0).get("vector");
        List<Float> firstTitled = (List<Float>) titledSections.get(0).get("vector");
        double sectionCosine = cosine(firstPlain, firstTitled);
        assertTrue(sectionCosine < 0.9999 && sectionCosine > 0.8, "the section still reads its own tokens, in the title's context: " + sectionCosine);
    }

    @Test
    void missingNullOrBlankGlobalFieldsAreSkipped() throws Exception {
        String text = "Government of the people, by the people, for the people.";
        Object plain = run(create(Map.of("field", "body")), Map.of("body", text)).getFieldValue("longdoc.embedding", List.class);
        LongDocProcessor titled = create(withGlobalFields(Map.of("field", "body"), "title", "subtitle"));
        assertEquals(plain, run(titled, Map.of("body", text)).getFieldValue("longdoc.embedding", List.class), "missing");
        Map<String, Object> nullTitle = mapWithNull("title");
        nullTitle.put("body", text);
        assertEquals(plain, run(titled, nullTitle).getFieldValue("longdoc.embedding", List.class), "null");
        assertEquals(plain, run(titled, Map.of("body", text, "title", " ", "subtitle", "")).getFieldValue("longdoc.embedding", List.class), "blank");
        assertFalse(plain.equals(run(titled, Map.of("body", text, "subtitle", TITLE)).getFieldValue("longdoc.embedding", List.class)), "the second one alone");
    }

    @Test
    void aNonStringGlobalFieldFailsTheDocumentNamingIt() {
        LongDocProcessor processor = create(withGlobalFields(Map.of("field", "body"), "title"));
        assertBadInput(processor, Map.of("body", "text", "title", 42), "field [title] of [global_fields] must be a string, got a [number]");
        assertBadInput(processor, Map.of("body", "text", "title", List.of("a")), "field [title] of [global_fields] must be a string, got a [array]");
    }

    @Test
    void globalFieldsOptionIsCheckedWhenThePipelineIsCreated() {
        assertEquals(List.of("title", "meta.subtitle"), create(withGlobalFields(Map.of("field", "body"), "title", "meta.subtitle")).globalFields());
        assertEquals(List.of(), create(Map.of("field", "body")).globalFields());
        assertConfigError(Map.of("field", "body", "global_fields", "title"), "[global_fields] property isn't a list");
        assertConfigError(Map.of("field", "body", "global_fields", List.of("title", 3)), "[global_fields] must be a list of field names, got [3]");
        assertConfigError(Map.of("field", "body", "global_fields", List.of("body")), "[global_fields] must not name the [field] itself [body]");
    }

    @Test
    void theBodyIsTruncatedAfterThePrefixAndLongGlobalFieldsAreCut() throws Exception {
        String text = "liberty and union ".repeat(400); // 1200 tokens, model reads 512
        LongDocProcessor titled = create(withGlobalFields(Map.of("field", "body"), "title"));
        IngestDocument doc = run(titled, Map.of("body", text, "title", TITLE));
        assertEquals(1200, doc.getFieldValue("longdoc.tokens", Integer.class), "tokens of the whole body, as without a title");
        assertEquals(true, doc.getFieldValue("longdoc.truncated", Boolean.class));

        var e = assertThrows(IllegalArgumentException.class,
            () -> run(create(withGlobalFields(Map.of("field", "body", "max_tokens", "error"), "title")), Map.of("body", text, "title", TITLE)));
        assertTrue(e.getMessage().contains("field [body] has 1202 tokens but model [mini] reads at most 512 (10 of them go to [global_fields])"), e.getMessage());

        // a title longer than a global prefix may be (half of the model's 512 here) is cut: flagged, or refused
        String longTitle = "union ".repeat(300);
        IngestDocument cut = run(titled, Map.of("body", "A short body.", "title", longTitle));
        assertEquals(true, cut.getFieldValue("longdoc.truncated", Boolean.class));
        assertEquals(4, cut.getFieldValue("longdoc.tokens", Integer.class), "a, short, body, .");
        e = assertThrows(IllegalArgumentException.class,
            () -> run(create(withGlobalFields(Map.of("field", "body", "max_tokens", "error"), "title")), Map.of("body", "A short body.", "title", longTitle)));
        assertTrue(e.getMessage().contains("fields [title] of [global_fields] have more than the 256 tokens they may take"), e.getMessage());
    }

    @Test
    void theProcessorGivesTheTitleTokensGlobalAttention() throws Exception {
        // In a sparse model the mask matters: the processor's vector must be the one of [CLS] + title global.
        String text = "Liberty and union, now and forever, one and inseparable. ".repeat(20);
        IngestDocument doc = run(create(withGlobalFields(Map.of("field", "body", "model_id", "sparse-mini"), "title")), Map.of("body", text, "title", TITLE));
        float[] actual = floats(doc.getFieldValue("longdoc.embedding", List.class));

        LoadedModel model = registry.load("sparse-mini");
        TokenizedText body = model.tokenize(text);
        TokenizedText title = model.tokenize(TITLE);
        int titleTokens = title.length() - 2;
        long[] ids = new long[body.length() + titleTokens + 1];
        ids[0] = body.ids()[0];
        System.arraycopy(title.ids(), 1, ids, 1, titleTokens + 1); // title tokens and their [SEP]
        System.arraycopy(body.ids(), 1, ids, titleTokens + 2, body.length() - 1);
        long[] titleGlobal = new long[ids.length];
        java.util.Arrays.fill(titleGlobal, 0, titleTokens + 1, 1L);
        long[] clsGlobal = new long[ids.length];
        clsGlobal[0] = 1;
        io.longdoc.model.LoadedModel global = registry.load("sparse-mini");
        float[] expected = global.encode(ids, titleGlobal).embedding();
        float[] clsOnly = global.encode(ids, clsGlobal).embedding();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6, "dimension " + i);
        }
        double distance = 0;
        for (int i = 0; i < expected.length; i++) {
            distance = Math.max(distance, Math.abs(clsOnly[i] - actual[i]));
        }
        assertTrue(distance > 1e-3, "with [CLS] alone global the vector would differ: " + distance);
    }

    private static Map<String, Object> withGlobalFields(Map<String, Object> config, String... fields) {
        Map<String, Object> copy = new HashMap<>(config);
        copy.put("global_fields", List.of(fields));
        return copy;
    }

    private static List<List<Object>> offsets(List<Map<String, Object>> sections) {
        return sections.stream().map(s -> List.of(s.get("start"), s.get("end"))).toList();
    }

    private static double cosine(List<Float> a, List<Float> b) {
        double dot = 0;
        for (int i = 0; i < a.size(); i++) {
            dot += a.get(i) * b.get(i);
        }
        return dot / (norm(a) * norm(b));
    }

    private static float[] floats(List<?> vector) {
        float[] out = new float[vector.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Float) vector.get(i);
        }
        return out;
    }

    @Test
    void ignoreMissingPassesTheDocumentThrough() throws Exception {
        IngestDocument doc = run(create(Map.of("field", "body", "ignore_missing", true)), Map.of("other", "x"));
        assertNotNull(doc);
        assertFalse(doc.hasField("longdoc"));
    }

    @Test
    void fullQueueRejectsWithTooManyRequests() {
        ExecutorService rejecting = new ProcessorFixture.SameThreadExecutor() {
            @Override
            public void execute(Runnable command) {
                throw new EsRejectedExecutionException("rejected execution of inference", false);
            }
        };
        LongDocProcessor processor = new LongDocProcessor.Factory(registry, () -> rejecting)
            .create(Map.of(), "tag", null, new HashMap<>(Map.of("field", "body")), ProjectId.DEFAULT);
        Exception e = assertThrows(Exception.class, () -> run(processor, Map.of("body", "text")));
        assertInstanceOf(EsRejectedExecutionException.class, e);
        assertEquals(RestStatus.TOO_MANY_REQUESTS, ExceptionsHelper.status(e));
    }

    private static Map<String, Object> mapWithNull(String key) {
        Map<String, Object> map = new HashMap<>();
        map.put(key, null);
        return map;
    }
}
