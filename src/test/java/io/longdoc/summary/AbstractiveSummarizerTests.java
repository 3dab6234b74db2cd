package io.longdoc.summary;

import io.longdoc.graph.GraphOptions;
import io.longdoc.graph.GraphRuns;
import io.longdoc.graph.importer.LedCheckpointImporter;
import io.longdoc.graph.importer.LedCheckpointImporter.ImportedLed;
import io.longdoc.text.Tokenizer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Text in, summary out, and the fallback past the token and the time budgets. */
class AbstractiveSummarizerTests {

    private static final String TEXT = "Longformer reads long documents with a sliding window. The encoder-decoder writes a summary of the whole document.";

    private static ImportedLed led;
    private static LedModel model;
    private static Tokenizer tokenizer;
    private static GenerationConfig generation;

    @BeforeAll
    static void load() throws Exception {
        LedFixture fixture = LedFixture.create(Path.of("target/led-summarizer").toAbsolutePath());
        led = LedCheckpointImporter.importFolder(fixture.checkpoint());
        model = LedModel.compile(led, GraphOptions.STANDARD, GraphRuns::session);
        tokenizer = Tokenizer.load(fixture.checkpoint().resolve("tokenizer.json"));
        generation = GenerationConfig.parse(GenerationConfig.readOptions(fixture.checkpoint()), led.config());
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    private static AbstractiveSummarizer summarizer(java.util.function.LongSupplier clock) {
        return new AbstractiveSummarizer(model, tokenizer, generation, led.config().maxEncoderPositions(), clock);
    }

    @Test
    void writesTheGeneratedSummary() throws Exception {
        AbstractiveSummary summary = summarizer(System::nanoTime).summarize(TEXT, new SummaryBudget(96, Duration.ofMinutes(1)));
        assertEquals(SummaryKind.ABSTRACTIVE, summary.kind());
        long[] ids = tokenizer.tokenize(TEXT).ids();
        try (StepDecoder decoder = model.decoder(model.encode(ids))) {
            assertArrayEquals(Generation.generate(decoder, generation), summary.tokens());
        }
        assertEquals(tokenizer.decode(Arrays.stream(summary.tokens()).asLongStream().toArray(), true), summary.text());
        assertNull(summary.reason());
    }

    @Test
    void fallsBackPastTheTokenBudget() throws Exception {
        AbstractiveSummary summary = summarizer(System::nanoTime).summarize(TEXT, new SummaryBudget(10, Duration.ofMinutes(1)));
        assertEquals(SummaryKind.EXTRACTIVE_FALLBACK, summary.kind());
        assertTrue(summary.reason().contains("over the budget of 10"), summary.reason());
        assertEquals("extractive_fallback", summary.kind().fieldValue());
    }

    @Test
    void fallsBackPastTheTimeBudget() throws Exception {
        AtomicLong now = new AtomicLong();
        // every clock reading is one second later: the deadline of 3 s passes after a few steps
        AbstractiveSummary summary = summarizer(() -> now.addAndGet(1_000_000_000L)).summarize(TEXT, new SummaryBudget(96, Duration.ofSeconds(3)));
        assertEquals(SummaryKind.EXTRACTIVE_FALLBACK, summary.kind());
        assertTrue(summary.reason().contains("time budget of 3000 ms ran out after 3 generated tokens"), summary.reason());
    }

    @Test
    void cacheBytesCountCrossAndSelfAttention() {
        // 2 layers × (key + value) × 32 floats × 4 bytes = 512 bytes per position; 50 source + 4 beams × 24 positions
        assertEquals(512L * (50 + 4 * 24), AbstractiveSummarizer.cacheBytes(led.decoder().config(), 50, generation));
    }
}
