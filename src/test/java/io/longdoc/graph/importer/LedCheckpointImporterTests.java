package io.longdoc.graph.importer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad LED checkpoints fail the import with a message that names the problem. */
class LedCheckpointImporterTests {

    @TempDir
    static Path shared;
    private static Path good;

    @TempDir
    Path dir;

    @BeforeAll
    static void generate() throws Exception {
        good = shared.resolve("led");
        Process process = new ProcessBuilder("python3", Path.of("src/test/python/led/led_synthetic.py").toAbsolutePath().toString(), good.toString())
            .inheritIO()
            .start();
        assertTrue(process.waitFor(2, TimeUnit.MINUTES) && process.exitValue() == 0, "led_synthetic.py failed");
    }

    private Path copy() throws IOException {
        Path folder = dir.resolve("copy");
        Files.createDirectories(folder);
        try (var files = Files.list(good)) {
            for (Path file : files.toList()) {
                Files.copy(file, folder.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return folder;
    }

    private Path withConfig(String from, String to) throws IOException {
        Path folder = copy();
        Path config = folder.resolve("config.json");
        String text = Files.readString(config);
        assertTrue(text.contains(from), from);
        Files.writeString(config, text.replace(from, to));
        return folder;
    }

    @Test
    void importsTheSyntheticCheckpoint() throws IOException {
        LedCheckpointImporter.ImportedLed led = LedCheckpointImporter.importFolder(good);
        assertEquals(320, led.decoder().config().vocabSize());
        assertEquals(2, led.encoder().config().numLayers());
        assertEquals(40, led.decoder().config().maxPositions());
    }

    @Test
    void anotherModelTypeIsRejected() throws IOException {
        Path folder = withConfig("\"model_type\": \"led\"", "\"model_type\": \"bart\"");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LedCheckpointImporter.importFolder(folder));
        assertTrue(e.getMessage().contains("model_type [bart], expected [led]"), e.getMessage());
    }

    @Test
    void aVocabularyMismatchIsRejected() throws IOException {
        Path folder = withConfig("\"vocab_size\": 320", "\"vocab_size\": 50265");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LedCheckpointImporter.importFolder(folder));
        assertTrue(e.getMessage().contains("vocab_size 50265"), e.getMessage());
    }

    @Test
    void anOddWindowIsRejected() throws IOException {
        Path folder = withConfig("\"attention_window\": [\n    4,\n    8\n  ]", "\"attention_window\": [4, 7]");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LedCheckpointImporter.importFolder(folder));
        assertTrue(e.getMessage().contains("positive and even"), e.getMessage());
    }

    @Test
    void missingWeightsAreNamed() throws IOException {
        Path folder = copy();
        Files.delete(folder.resolve("model.safetensors"));
        IOException e = assertThrows(IOException.class, () -> LedCheckpointImporter.importFolder(folder));
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
    }
}
