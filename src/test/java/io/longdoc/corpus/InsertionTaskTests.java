package io.longdoc.corpus;

import io.longdoc.TestModels;
import io.longdoc.text.Tokenizer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The passkey and needle sets as EVAL.md builds them, from a corpus the harness has never seen (written here, not
 * one of the dev files), in the model's own tokenizer.
 */
class InsertionTaskTests {

    private static Tokenizer tokenizer;

    @BeforeAll
    static void loadTokenizer() throws Exception {
        tokenizer = Tokenizer.load(TestModels.bgeTokenizer());
    }

    @AfterAll
    static void closeTokenizer() {
        tokenizer.close();
    }

    /** A small unseen corpus: a few texts of plain sentences about a harbour, each under 1,024 tokens. */
    private static List<String> harbourCorpus() {
        String[] subjects = { "The ferryman", "A cooper", "The harbour master", "An old sailmaker", "The night watch" };
        String[] verbs = { "counted", "mended", "painted", "carried", "weighed" };
        String[] things = { "lanterns", "barrels", "oars", "nets", "crates of salt" };
        List<String> texts = new java.util.ArrayList<>();
        for (int t = 0; t < 6; t++) {
            StringBuilder text = new StringBuilder();
            for (int s = 0; s < 60; s++) {
                int k = t * 60 + s;
                text.append(subjects[k % 5]).append(' ').append(verbs[(k / 5) % 5]).append(' ').append(3 + k % 17).append(' ')
                    .append(things[(k / 25) % 5]).append(" on the ").append(k % 2 == 0 ? "north" : "south").append(" quay. ");
                if (s % 12 == 11) {
                    text.append('\n');
                }
            }
            texts.add(text.toString().strip());
        }
        return texts;
    }

    @Test
    void passkeyDocumentsHaveTheLengthOneKeySentenceAtASentenceBoundaryAndDistinctNamesAndKeys() {
        int length = 1024;
        List<InsertionTask.Item> items = InsertionTask.generate(InsertionTask.Kind.PASSKEY, harbourCorpus(), tokenizer::tokenize, length, 20, 7);
        assertEquals(20, items.size());
        Set<String> keys = new HashSet<>();
        Set<String> questions = new HashSet<>();
        int early = 0;
        for (InsertionTask.Item item : items) {
            int tokens = tokenizer.tokenize(item.text()).length();
            assertTrue(tokens <= length && tokens >= length - 4, item.id() + ": " + tokens + " tokens, [CLS] and [SEP] included");
            String sentence = item.text().substring(item.insertedStart(), item.insertedEnd());
            assertTrue(sentence.matches("\\p{L}+'s pass key is \\d{5}\\. Remember it\\. \\d{5} is the pass key of \\p{L}+\\."), sentence);
            assertEquals(item.text().indexOf(sentence), item.text().lastIndexOf(sentence), "inserted once");
            assertTrue(sentence.contains(item.answer()) && item.answer().matches("\\d{5}"), item.answer());
            String name = sentence.substring(0, sentence.indexOf('\''));
            assertEquals("What is " + name + "'s pass key?", item.question());
            assertTrue(item.insertedStart() == 1 || ".\n".indexOf(item.text().charAt(item.insertedStart() - 2)) >= 0,
                "the sentence starts where one of the filler's sentences started: " + item.id());
            keys.add(item.answer());
            questions.add(item.question());
            early += item.insertedStart() < item.text().length() / 2 ? 1 : 0;
        }
        assertEquals(20, keys.size(), "distinct keys");
        assertEquals(20, questions.size(), "distinct names");
        assertTrue(early > 0 && early < 20, "depths spread over the document: " + early + " of 20 in the first half");
    }

    @Test
    void needleQuestionsShareOnlySomeWordsWithTheFactAndTheAnswerIsThePlace() {
        List<InsertionTask.Item> items = InsertionTask.generate(InsertionTask.Kind.NEEDLE, harbourCorpus(), tokenizer::tokenize, 2048, 10, 11);
        for (InsertionTask.Item item : items) {
            String sentence = item.text().substring(item.insertedStart(), item.insertedEnd());
            assertTrue(sentence.endsWith(" was found near " + item.answer() + "."), sentence);
            assertTrue(InsertionTask.PLACES.contains(item.answer()));
            assertFalse(item.question().contains(item.answer()), "the question does not give the place away");
            String name = sentence.substring(sentence.indexOf(" that ") + 6, sentence.indexOf(" lost in "));
            assertTrue(item.question().startsWith("Where was " + name + "'s ") && item.question().endsWith(" found?"), item.question());
            assertTrue(tokenizer.tokenize(item.text()).length() <= 2048);
        }
    }

    @Test
    void aSeedFixesTheSetAndAnotherSeedChangesIt() {
        List<InsertionTask.Item> a = InsertionTask.generate(InsertionTask.Kind.PASSKEY, harbourCorpus(), tokenizer::tokenize, 512, 5, 3);
        List<InsertionTask.Item> b = InsertionTask.generate(InsertionTask.Kind.PASSKEY, harbourCorpus(), tokenizer::tokenize, 512, 5, 3);
        List<InsertionTask.Item> c = InsertionTask.generate(InsertionTask.Kind.PASSKEY, harbourCorpus(), tokenizer::tokenize, 512, 5, 4);
        assertEquals(a, b);
        assertNotEquals(a.stream().map(InsertionTask.Item::question).toList(), c.stream().map(InsertionTask.Item::question).toList());
    }

    @Test
    void aCorpusTooSmallForTheLengthOrTooManyDocumentsIsAnErrorSayingWhy() {
        IllegalArgumentException shortCorpus = assertThrows(IllegalArgumentException.class,
            () -> InsertionTask.generate(InsertionTask.Kind.PASSKEY, List.of("Only a line of filler."), tokenizer::tokenize, 1024, 1, 1));
        assertTrue(shortCorpus.getMessage().contains("fewer than"), shortCorpus.getMessage());
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
            () -> InsertionTask.generate(InsertionTask.Kind.PASSKEY, harbourCorpus(), tokenizer::tokenize, 512, InsertionTask.NAMES.size() + 1, 1));
        assertTrue(tooMany.getMessage().contains("one distinct name each"), tooMany.getMessage());
    }
}
