package io.longdoc.text;

import io.longdoc.TestModels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerTests {

    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        tokenizer = Tokenizer.load(TestModels.bgeTokenizer());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void addsClsAndSepAndMarksThemSpecial() {
        TokenizedText tokens = tokenizer.tokenize("The pass key is 12345.");
        assertEquals(101, tokens.ids()[0], "[CLS]");
        assertEquals(102, tokens.ids()[tokens.length() - 1], "[SEP]");
        assertTrue(tokens.special()[0]);
        assertTrue(tokens.special()[tokens.length() - 1]);
        assertEquals(tokens.length() - 2, tokens.textTokens());
    }

    @Test
    void spansCutTheSourceTextAtEachWord() {
        String text = "Union and liberty, now and forever.";
        TokenizedText tokens = tokenizer.tokenize(text);
        StringBuilder rebuilt = new StringBuilder();
        for (int i = 0; i < tokens.length(); i++) {
            if (tokens.special()[i] == false) {
                rebuilt.append(text, tokens.starts()[i], tokens.ends()[i]).append('|');
            }
        }
        assertEquals("union|and|liberty|,|now|and|forever|.|", rebuilt.toString().toLowerCase(java.util.Locale.ROOT));
    }

    @Test
    void spansAreUtf16IndicesAfterCharactersOutsideTheBmp() {
        // Each emoji is one code point but two Java chars: code-point offsets would cut "liberty" two chars early.
        String text = "\uD83D\uDE00\uD83D\uDE00 liberty";
        TokenizedText tokens = tokenizer.tokenize(text);
        int last = tokens.length() - 2; // the token before [SEP]
        assertEquals("liberty", text.substring(tokens.starts()[last], tokens.ends()[last]));
    }

    @Test
    void longTextsAreNotTruncatedByTheTokenizer() {
        String text = "liberty ".repeat(3000);
        TokenizedText tokens = tokenizer.tokenize(text);
        assertEquals(3000, tokens.textTokens());
    }

    @Test
    void truncationKeepsTheHeadAndTheClosingSep() {
        TokenizedText tokens = tokenizer.tokenize("one two three four five six");
        TokenizedText cut = tokens.truncate(4);
        assertEquals(4, cut.length());
        assertEquals(tokens.ids()[0], cut.ids()[0]);
        assertEquals(tokens.ids()[1], cut.ids()[1]);
        assertEquals(tokens.ids()[2], cut.ids()[2]);
        assertEquals(102, cut.ids()[3]);
        assertTrue(cut.special()[3]);
        assertFalse(cut.special()[2]);
        assertEquals(2, cut.textTokens());
        assertEquals(tokens, tokens.truncate(100), "no-op when it fits");
    }
}
