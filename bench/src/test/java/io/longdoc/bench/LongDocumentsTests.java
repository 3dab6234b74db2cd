package io.longdoc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.longdoc.TestModels;
import io.longdoc.text.Tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class LongDocumentsTests {

    @Test
    void documentsAreCutToTheLengthTheModelReadsAndShortOnesPassedOver(@TempDir Path dir) throws Exception {
        Path corpus = corpus(dir, "short", "A short one.", "long-1", words(300), "long-2", words(400));
        try (Tokenizer tokenizer = Tokenizer.load(TestModels.bgeTokenizer())) {
            List<LongDocuments.Document> documents = LongDocuments.cut(tokenizer, corpus, 2, 128);
            assertEquals(List.of("long-1", "long-2"), documents.stream().map(LongDocuments.Document::id).toList());
            for (LongDocuments.Document document : documents) {
                assertEquals(128, document.tokens());
                assertEquals(128, tokenizer.tokenize(document.text()).length(), "the cut text retokenized, [CLS] and [SEP] included");
            }
        }
    }

    @Test
    void tooFewLongDocumentsIsAnErrorSayingHowMany(@TempDir Path dir) throws Exception {
        Path corpus = corpus(dir, "long-1", words(300), "short", "Too short.");
        try (Tokenizer tokenizer = Tokenizer.load(TestModels.bgeTokenizer())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> LongDocuments.cut(tokenizer, corpus, 2, 128));
            assertTrue(e.getMessage().contains("has 1 documents of at least 128 tokens among 2, 2 wanted"), e.getMessage());
        }
    }

    /** Plain words the tokenizer keeps whole, one token each. */
    private static String words(int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(i % 2 == 0 ? "river " : "stone ");
        }
        return text.toString().strip();
    }

    private static Path corpus(Path dir, String... idsAndTexts) throws Exception {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < idsAndTexts.length; i += 2) {
            jsonl.append("{\"id\":\"").append(idsAndTexts[i]).append("\",\"title\":\"t\",\"source\":\"s\",\"text\":\"").append(idsAndTexts[i + 1])
                .append("\",\"sections\":[]}\n");
        }
        return Files.writeString(dir.resolve("corpus.jsonl"), jsonl);
    }
}
