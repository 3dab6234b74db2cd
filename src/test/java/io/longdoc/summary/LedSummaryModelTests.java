package io.longdoc.summary;

import io.longdoc.graph.GraphOptions;
import io.longdoc.graph.GraphRuns;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading an installed LED folder, and the errors a bad one gives. */
class LedSummaryModelTests {

    private static LedFixture fixture;

    @TempDir
    Path dir;

    @BeforeAll
    static void generate() throws Exception {
        fixture = LedFixture.create(Path.of("target/led-summary-model").toAbsolutePath());
    }

    private Path copy() throws IOException {
        Path folder = dir.resolve("led");
        Files.createDirectories(folder);
        try (var files = Files.list(fixture.checkpoint())) {
            for (Path file : files.toList()) {
                Files.copy(file, folder.resolve(file.getFileName()));
            }
        }
        return folder;
    }

    @Test
    void loadsAndSummarizesWithTheCheckpointsDefaults() throws Exception {
        try (LedSummaryModel model = LedSummaryModel.load(fixture.checkpoint(), GraphOptions.STANDARD, GraphRuns::session)) {
            assertEquals(4, model.generation().numBeams(), "num_beams from generation_config.json");
            assertEquals(GenerationConfig.EarlyStopping.TRUE, model.generation().earlyStopping());
            AbstractiveSummary summary = model.summarizer(model.generation(), System::nanoTime)
                .summarize("A sliding window and a few global tokens.", new SummaryBudget(64, Duration.ofMinutes(1)));
            assertEquals(SummaryKind.ABSTRACTIVE, summary.kind());
            assertFalse(summary.text().isEmpty());
        }
    }

    @Test
    void aMissingTokenizerIsNamed() throws Exception {
        Path folder = copy();
        Files.delete(folder.resolve("tokenizer.json"));
        IOException e = assertThrows(IOException.class, () -> LedSummaryModel.load(folder, GraphOptions.STANDARD, GraphRuns::session));
        assertTrue(e.getMessage().contains("has no tokenizer.json"), e.getMessage());
    }

    @Test
    void aTokenizerBiggerThanTheVocabularyIsRejected() throws Exception {
        Path folder = copy();
        Path tokenizer = folder.resolve("tokenizer.json");
        String text = Files.readString(tokenizer);
        Files.writeString(tokenizer, text.replaceFirst("\"id\": 3,", "\"id\": 400,"));
        IllegalArgumentException e = assertThrows(
            IllegalArgumentException.class,
            () -> LedSummaryModel.load(folder, GraphOptions.STANDARD, GraphRuns::session)
        );
        assertTrue(e.getMessage().contains("token id 400, but the model's vocab_size is 320"), e.getMessage());
    }

    @Test
    void generationOptionsFallBackToConfigJson() throws Exception {
        Path folder = copy();
        Files.delete(folder.resolve(GenerationConfig.FILE));
        try (LedSummaryModel model = LedSummaryModel.load(folder, GraphOptions.STANDARD, GraphRuns::session)) {
            assertEquals(1, model.generation().numBeams(), "config.json has no num_beams: GenerationConfig's default");
            assertEquals(20, model.generation().maxLength());
            assertEquals(2, model.generation().decoderStartTokenId());
        }
    }
}
