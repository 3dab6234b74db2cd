package io.longdoc.text;

import io.longdoc.TestModels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SectionerTests {

    private static Tokenizer tokenizer;
    private final Sectioner sectioner = new Sectioner(64, 128);

    @BeforeAll
    static void load() throws Exception {
        tokenizer = Tokenizer.load(TestModels.bgeTokenizer());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void sectionsOfARealDocumentCoverEveryTextTokenOnceInOrder() throws Exception {
        String text = firstPydocsText();
        TokenizedText tokens = tokenizer.tokenize(text);
        List<Section> sections = sectioner.sections(text, tokens);
        assertTrue(sections.size() > 10, "a long page gives many sections: " + sections.size());
        int expectedFirst = 1; // after [CLS]
        int previousEnd = 0;
        for (Section section : sections) {
            assertEquals(expectedFirst, section.firstToken(), "sections tile the tokens with no gap or overlap");
            assertTrue(section.tokens() >= 1 && section.tokens() <= 128, "at most 128 tokens: " + section);
            assertTrue(section.start() >= previousEnd, "in document order");
            for (int t = section.firstToken(); t < section.endToken(); t++) {
                assertTrue(tokens.starts()[t] >= section.start() && tokens.ends()[t] <= section.end(), "token " + t + " lies inside " + section);
            }
            expectedFirst = section.endToken();
            previousEnd = section.end();
        }
        assertEquals(tokens.length() - 1, expectedFirst, "every text token up to [SEP] is in a section");
        long longEnough = sections.stream().filter(s -> s.tokens() >= 32).count();
        assertTrue(longEnough >= sections.size() * 0.8, "most sections are of useful size");
    }

    @Test
    void sectionsEndOnSentenceBoundaries() {
        String sentence = "The quick brown fox jumps over the lazy dog near the quiet river bank today. ";
        String text = sentence.repeat(40);
        List<Section> sections = sectioner.sections(text, tokenizer.tokenize(text));
        assertTrue(sections.size() > 1);
        for (Section section : sections) {
            assertTrue(text.substring(section.start(), section.end()).startsWith("The quick"), "starts a sentence");
            assertTrue(text.substring(section.start(), section.end()).trim().endsWith("today."), "ends a sentence");
        }
    }

    @Test
    void aBlankLineEndsASectionThatIsLongEnough() {
        String paragraph = "Liberty and union, now and forever, one and inseparable. ".repeat(4); // ~48 tokens
        String text = paragraph + "\n\n" + paragraph;
        List<Section> sections = sectioner.sections(text, tokenizer.tokenize(text));
        assertEquals(2, sections.size(), "split at the paragraph break although 96 tokens would fit in one");
        assertTrue(text.substring(sections.get(1).start()).startsWith("Liberty"));
    }

    @Test
    void aSentenceLongerThanTheMaximumIsSplit() {
        String text = "word ".repeat(300) + ".";
        List<Section> sections = sectioner.sections(text, tokenizer.tokenize(text));
        assertEquals(3, sections.size());
        assertEquals(List.of(128, 128, 45), sections.stream().map(Section::tokens).toList());
    }

    @Test
    void emptyTextHasNoSections() {
        assertTrue(sectioner.sections("   ", tokenizer.tokenize("   ")).isEmpty());
        assertFalse(sectioner.sections("One.", tokenizer.tokenize("One.")).isEmpty());
    }

    private static String firstPydocsText() throws Exception {
        try (BufferedReader reader = io.longdoc.corpus.Corpus.open(io.longdoc.corpus.Corpus.pydocs())) {
            String line = reader.readLine();
            Map<String, Object> doc = org.elasticsearch.common.xcontent.XContentHelper.convertToMap(
                org.elasticsearch.xcontent.XContentType.JSON.xContent(), line, false);
            return (String) doc.get("text");
        }
    }
}
