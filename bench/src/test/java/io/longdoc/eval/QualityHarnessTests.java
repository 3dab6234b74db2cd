package io.longdoc.eval;

import io.longdoc.corpus.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QualityHarnessTests {

    @Test
    void blankTextsAreNoCandidatesAndAnIdUsedTwiceIsRefusedByName(@TempDir Path dir) throws Exception {
        Path corpus = Files.writeString(dir.resolve("c.jsonl"), """
            {"id": "kept", "text": "Some text."}
            {"id": "blank", "text": "   "}
            """);
        assertEquals(List.of("kept"), QualityHarness.deepCandidates(corpus).stream().map(Corpus.Document::id).toList());
        Path twice = Files.writeString(dir.resolve("twice.jsonl"), """
            {"id": "same", "text": "One."}
            {"id": "same", "text": "Two."}
            """);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QualityHarness.deepCandidates(twice));
        assertTrue(e.getMessage().contains("holds the id [same] twice"), e.getMessage());
    }
}
