package io.longdoc.text;

import io.longdoc.TestModels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SectionerTests {

    private static Tokenizer tokenizer;
    private final Sectioner headings = new Sectioner(64, 128, Sectioner.Breaks.HEADINGS);

    @BeforeAll
    static void load() throws Exception {
        tokenizer = Tokenizer.load(TestModels.bgeTokenizer());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @ParameterizedTest
    @EnumSource(Sectioner.Breaks.class)
    void sectionsOfARealDocumentCoverEveryTextTokenOnceInOrder(Sectioner.Breaks breaks) throws Exception {
        String text = firstPydocsText();
        TokenizedText tokens = tokenizer.tokenize(text);
        List<Section> sections = new Sectioner(64, 128, breaks).sections(text, tokens);
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

    @ParameterizedTest
    @EnumSource(Sectioner.Breaks.class)
    void sectionsEndOnSentenceBoundaries(Sectioner.Breaks breaks) {
        Sectioner sectioner = new Sectioner(64, 128, breaks);
        String sentence = "The quick brown fox jumps over the lazy dog near the quiet river bank today. ";
        String text = sentence.repeat(40);
        List<Section> sections = sectioner.sections(text, tokenizer.tokenize(text));
        assertTrue(sections.size() > 1);
        for (Section section : sections) {
            assertTrue(text.substring(section.start(), section.end()).startsWith("The quick"), "starts a sentence");
            assertTrue(text.substring(section.start(), section.end()).trim().endsWith("today."), "ends a sentence");
        }
    }

    @ParameterizedTest
    @EnumSource(Sectioner.Breaks.class)
    void aBlankLineEndsASectionThatIsLongEnough(Sectioner.Breaks breaks) {
        Sectioner sectioner = new Sectioner(64, 128, breaks);
        String paragraph = "Liberty and union, now and forever, one and inseparable. ".repeat(4); // ~48 tokens
        String text = paragraph + "\n\n" + paragraph;
        List<Section> sections = sectioner.sections(text, tokenizer.tokenize(text));
        assertEquals(2, sections.size(), "split at the paragraph break although 96 tokens would fit in one");
        assertTrue(text.substring(sections.get(1).start()).startsWith("Liberty"));
    }

    @ParameterizedTest
    @EnumSource(Sectioner.Breaks.class)
    void aSentenceLongerThanTheMaximumIsSplit(Sectioner.Breaks breaks) {
        Sectioner sectioner = new Sectioner(64, 128, breaks);
        String text = "word ".repeat(300) + ".";
        List<Section> sections = sectioner.sections(text, tokenizer.tokenize(text));
        assertEquals(3, sections.size());
        assertEquals(List.of(128, 128, 45), sections.stream().map(Section::tokens).toList());
    }

    @ParameterizedTest
    @EnumSource(Sectioner.Breaks.class)
    void emptyTextHasNoSections(Sectioner.Breaks breaks) {
        Sectioner sectioner = new Sectioner(64, 128, breaks);
        assertTrue(sectioner.sections("   ", tokenizer.tokenize("   ")).isEmpty());
        assertFalse(sectioner.sections("One.", tokenizer.tokenize("One.")).isEmpty());
    }

    @Test
    void aHeadingStartsASectionAndATinyHeadingJoinsTheNext() {
        String text = HeadingLinesTests.DPKG_TRIGGERS;
        List<String> sections = texts(text, headings);
        // TRIGGERS has no text of its own: it stays with Introduction; Concepts starts a section though the one
        // before holds fewer than 64 tokens; the short "(NB: …)" paragraph before Concepts joins the section before it
        assertTrue(sections.get(0).startsWith("TRIGGERS\n========\n\nIntroduction\n------------\n\nA dpkg trigger"), sections.get(0));
        assertTrue(sections.get(0).endsWith("not events that occur in general operation.)"), sections.get(0));
        assertTrue(sections.get(1).startsWith("Concepts\n--------\n\nEach trigger is named"), sections.get(1));
        assertEquals(2, sections.size(), String.join("\n|||\n", sections));
    }

    @Test
    void theEarlierCutRunsAcrossTheHeading() {
        List<String> sections = texts(HeadingLinesTests.DPKG_TRIGGERS, new Sectioner(64, 128, Sectioner.Breaks.SENTENCES));
        // the short "(NB: …)" paragraph is too short to end a section, so it runs on into Concepts
        assertFalse(sections.stream().anyMatch(x -> x.startsWith("Concepts")), "sentences: no section starts at the heading: " + sections);
    }

    @Test
    void aParagraphWithoutAFullStopDoesNotRunIntoTheNextHeading() {
        String text = HeadingLinesTests.PYYAML_README;
        List<String> sections = texts(text, headings);
        String testing = sections.get(sections.size() - 1);
        assertEquals("## Testing\n\nPyYAML includes a comprehensive test suite.\nTo run the tests, type `python setup.py test`.", testing);
        assertTrue(sections.stream().noneMatch(x -> x.contains("safe_load") && x.contains("Testing")), String.join("\n|||\n", sections));
        // the sentence stream has no full stop from "If you don't trust" to "test suite.": one sentence across the heading
        List<String> sentences = texts(text, new Sectioner(64, 128, Sectioner.Breaks.SENTENCES));
        assertTrue(sentences.stream().anyMatch(x -> x.contains("safe_load") && x.contains("## Testing")), String.join("\n|||\n", sentences));
    }

    @Test
    void aLongHeadingSectionIsSplitAndOnlyItsFirstPartHoldsTheHeading() {
        String paragraph = "Each trigger is named, and at any time zero or more packages may be interested in it. ".repeat(6);
        String text = "## Concepts\n\n" + paragraph + "\n\n" + paragraph + "\n\n## Details\n\nA short one.\n";
        TokenizedText tokens = tokenizer.tokenize(text);
        List<Section> sections = headings.sections(text, tokens);
        assertTrue(sections.stream().allMatch(x -> x.tokens() <= 128), "the maximum holds: " + sections);
        List<String> parts = sections.stream().map(x -> text.substring(x.start(), x.end())).toList();
        assertTrue(parts.get(0).startsWith("## Concepts"));
        assertTrue(parts.size() >= 3, "the long section is split: " + parts.size());
        assertEquals(1, parts.stream().filter(x -> x.contains("Concepts")).count());
        assertEquals("## Details\n\nA short one.", parts.get(parts.size() - 1), "a heading with a short body is a section of its own");
    }

    @Test
    void breaksAreParsedByName() {
        assertEquals(Sectioner.Breaks.HEADINGS, Sectioner.Breaks.parse("headings"));
        assertEquals(Sectioner.Breaks.SENTENCES, Sectioner.Breaks.parse("sentences"));
        assertEquals("must be [headings] or [sentences], got [HEADINGS]",
            assertThrows(IllegalArgumentException.class, () -> Sectioner.Breaks.parse("HEADINGS")).getMessage());
    }

    private static List<String> texts(String text, Sectioner sectioner) {
        return sectioner.sections(text, tokenizer.tokenize(text)).stream().map(s -> text.substring(s.start(), s.end())).toList();
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
