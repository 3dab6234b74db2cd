package io.longdoc.search.reader;

import io.longdoc.runtime.InferenceBudget;
import io.longdoc.TestModels;
import io.longdoc.model.LoadedModel;
import io.longdoc.model.ModelRegistry;
import io.longdoc.runtime.ExecutionProvider;
import io.longdoc.runtime.OrtRuntime;
import io.longdoc.runtime.SpanLogits;
import io.longdoc.text.TokenizedPair;
import io.longdoc.text.TokenizedText;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.longdoc.search.reader.SyntheticQaModel.STRONG_END;
import static io.longdoc.search.reader.SyntheticQaModel.STRONG_START;
import static io.longdoc.search.reader.SyntheticQaModel.WEAK_END;
import static io.longdoc.search.reader.SyntheticQaModel.WEAK_START;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The span reader end to end on a synthetic Longformer QA model compiled from a Hugging Face checkpoint folder through
 * the registry, with the real tokenizer: the marker words decide the answer (see {@link SyntheticQaModel}), so each
 * test knows exactly which span must come back.
 */
class SpanReaderTests {

    private static final double STRONG = STRONG_START.start() + STRONG_END.end();
    private static final double WEAK = WEAK_START.start() + WEAK_END.end();
    private static final double TOLERANCE = 1e-3;
    private static final int SHORT_MODEL_TOKENS = 24;

    @TempDir
    static Path root;
    static OrtRuntime runtime;
    static ModelRegistry registry;
    static LoadedModel qa;

    @BeforeAll
    static void setUp() throws Exception {
        Path bundled = Files.createDirectories(root.resolve("plugin/models"));
        Path operator = Files.createDirectories(root.resolve("config/longdoc/models"));
        SyntheticQaModel.write(operator, "synthetic-qa");
        SyntheticQaModel.write(operator, "synthetic-qa-short", SHORT_MODEL_TOKENS, TestModels.bgeTokenizer());
        TestModels.miniLmFolder(bundled, "all-minilm-l6-v2", TestModels.spec("all-minilm-l6-v2", 384, "mean"));
        runtime = new OrtRuntime(2, ExecutionProvider.CPU);
        registry = new ModelRegistry(bundled, operator, "all-minilm-l6-v2", runtime, root.resolve("compiled"), TestModels.opsLibrary(), InferenceBudget.UNLIMITED);
        qa = registry.load("synthetic-qa");
    }

    @AfterAll
    static void tearDown() {
        registry.close();
        runtime.close();
    }

    @Test
    void findsTheMarkedSpanWithItsCharacterOffsets() throws Exception {
        String text = "On Monday morning the zebra crossed the river to meet an elephant at dawn.";
        Answer answer = new SpanReader().read(qa, "Who crossed the river?", text);
        assertAnswer(text, "zebra crossed the river to meet an elephant", STRONG, answer);
    }

    @Test
    void offsetsAreUtf16IndicesAfterMultiByteAndNonBmpCharacters() throws Exception {
        // é and 日本 are one UTF-16 unit but several UTF-8 bytes; 😀 and 𝄞 are two UTF-16 units, one code point each
        String text = "Café naïve 日本 \uD83D\uDE00\uD83D\uDE00 \uD834\uDD1E: the zebra met the elephant \uD83D\uDE00 today.";
        Answer answer = new SpanReader().read(qa, "Who met whom?", text);
        assertAnswer(text, "zebra met the elephant", STRONG, answer);
    }

    @Test
    void neverAnswersFromTheQuestion() throws Exception {
        // the strongest markers are in the question: a reader that looked there would return them
        String text = "The penguin swam past a dolphin near the shore.";
        Answer answer = new SpanReader().read(qa, "Did the zebra see the elephant?", text);
        assertAnswer(text, "penguin swam past a dolphin", WEAK, answer);
    }

    @Test
    void spansLongerThanMaxAnswerTokensGiveWayToTheBestLegalOne() throws Exception {
        String text = "A penguin and a dolphin played. Then the zebra walked one two three four five six miles to the elephant.";
        String longSpan = "zebra walked one two three four five six miles to the elephant";
        assertAnswer(text, longSpan, STRONG, new SpanReader().read(qa, "What happened?", text));

        Answer limited = new SpanReader(5).read(qa, "What happened?", text);
        assertAnswer(text, "penguin and a dolphin", WEAK, limited);
        assertTrue(qa.tokenize(longSpan).textTokens() > 5, "the strong span really is longer than the limit");
    }

    @Test
    void aTextLongerThanTheModelIsCutAndOnlyItsBeginningIsRead() throws Exception {
        LoadedModel shortModel = registry.load("synthetic-qa-short");
        String question = "Who swam?";
        String text = "The penguin swam with a dolphin. " + "Nothing happened here. ".repeat(10) + "The zebra met the elephant.";
        QaSequence sequence = QaSequence.of(shortModel.tokenizePair(question, text), SHORT_MODEL_TOKENS);
        assertEquals(SHORT_MODEL_TOKENS, sequence.pair().length());
        assertTrue(sequence.droppedTokens() > 0);

        Answer answer = new SpanReader().read(shortModel, question, text);
        assertAnswer(text, "penguin swam with a dolphin", WEAK, answer);
    }

    @Test
    void globalAttentionCoversExactlyClsAndTheQuestion() {
        String question = "Where did the zebra go?";
        String text = "The zebra went to the river, where it met an elephant.";
        int questionTokens = qa.tokenize(question).textTokens();
        TokenizedText alone = qa.tokenize(text);

        for (int maxTokens : new int[] { 512, questionTokens + 6 }) {
            QaSequence sequence = QaSequence.of(qa.tokenizePair(question, text), maxTokens);
            long[] ids = sequence.ids();
            long[] expectedGlobal = new long[ids.length];
            for (int i = 0; i <= questionTokens; i++) {
                expectedGlobal[i] = 1;
            }
            assertArrayEquals(expectedGlobal, sequence.globalMask(), "[CLS] and the question tokens, for max " + maxTokens);
            assertEquals(101, ids[0], "[CLS]");
            assertEquals(102, ids[questionTokens + 1], "[SEP] after the question");
            assertEquals(102, ids[ids.length - 1], "[SEP] closes the sequence");
            assertEquals(questionTokens + 2, sequence.textStart());
            assertEquals(ids.length - 1, sequence.textEnd());
            for (int i = sequence.textStart(); i < sequence.textEnd(); i++) {
                int inText = i - sequence.textStart() + 1; // past the [CLS] of the text tokenized alone
                assertEquals(alone.ids()[inText], ids[i], "text token " + i);
                assertEquals(alone.starts()[inText], sequence.pair().tokens().starts()[i], "text offsets index the text");
            }
            assertEquals(alone.textTokens() - (sequence.textEnd() - sequence.textStart()), sequence.droppedTokens());
        }
    }

    @Test
    void aQuestionThatLeavesNoRoomForTheTextIsRejected() {
        String question = "Where did the zebra go?";
        int questionTokens = qa.tokenize(question).textTokens();
        TokenizedPair pair = qa.tokenizePair(question, "To the river.");
        var e = assertThrows(IllegalArgumentException.class, () -> QaSequence.of(pair, questionTokens + 3));
        assertEquals("the question is too long: with the special tokens it takes " + (questionTokens + 3) + " of the model's "
            + (questionTokens + 3) + " tokens, leaving none for the text", e.getMessage());
    }

    @Test
    void bestSpanStaysInsideTheRangeAndTheLengthLimit() {
        float[] start = { 9, 1, 0, 3, 0, 9 };
        float[] end = { 9, 0, 2, 0, 4, 9 };
        SpanLogits logits = new SpanLogits(start, end);
        // tokens 0 and 5 (score 18) lie outside [1, 5); inside, 3→4 (7) beats 1→4 (5) and 1→2 (3)
        assertEquals(new SpanReader.TokenSpan(3, 4, 7), SpanReader.bestSpan(logits, 1, 5, 30));
        assertEquals(new SpanReader.TokenSpan(1, 2, 3), SpanReader.bestSpan(logits, 1, 4, 30), "a tie with 3→3: the earliest start wins");
        assertEquals(new SpanReader.TokenSpan(3, 3, 3), SpanReader.bestSpan(logits, 1, 4, 1), "one-token answers only");
        assertEquals(new SpanReader.TokenSpan(3, 4, 7), SpanReader.bestSpan(logits, 1, 5, Integer.MAX_VALUE), "no limit");
    }

    @Test
    void aModelWithoutAQaHeadIsRejectedWithAPointerToTheOtherReader() {
        LoadedModel miniLm = registry.load("all-minilm-l6-v2");
        assertFalse(miniLm.hasQaHead());
        var e = assertThrows(IllegalArgumentException.class, () -> new SpanReader().read(miniLm, "Who?", "The zebra."));
        assertEquals("model [all-minilm-l6-v2] has no question-answering head (qa_outputs); use the late_interaction reader", e.getMessage());
        var direct = assertThrows(IllegalArgumentException.class, () -> miniLm.spanLogits(new long[] { 101, 102 }, new long[] { 1, 0 }));
        assertEquals("model [all-minilm-l6-v2] has no question-answering head (qa_outputs)", direct.getMessage());
    }

    @Test
    void emptyQuestionsAndTextsAreRejected() {
        SpanReader reader = new SpanReader();
        assertEquals("the question must not be empty", assertThrows(IllegalArgumentException.class, () -> reader.read(qa, " ", "The zebra.")).getMessage());
        assertEquals("the text must not be empty", assertThrows(IllegalArgumentException.class, () -> reader.read(qa, "Who?", "")).getMessage());
        assertEquals("the question must not be empty", assertThrows(IllegalArgumentException.class, () -> reader.read(qa, null, "The zebra.")).getMessage());
        assertEquals("maxAnswerTokens must be at least 1, got: 0", assertThrows(IllegalArgumentException.class, () -> new SpanReader(0)).getMessage());
    }

    @Test
    void aQaModelStillEmbedsFromItsLastHiddenState() throws Exception {
        assertTrue(qa.hasQaHead());
        float[] vector = qa.embed(qa.tokenize("The zebra met the elephant."));
        assertEquals(SyntheticQaModel.HIDDEN, vector.length);
        var e = assertThrows(IllegalArgumentException.class, () -> qa.spanLogits(new long[] { 101, 102 }, new long[] { 1 }));
        assertEquals("global mask has 1 entries for 2 tokens", e.getMessage());
    }

    private static void assertAnswer(String text, String expected, double score, Answer answer) {
        int start = text.indexOf(expected);
        assertTrue(start >= 0, "the expected answer is in the text");
        assertEquals(new Answer(expected, start, start + expected.length(), answer.score()), answer);
        assertEquals(expected, text.substring(answer.start(), answer.end()));
        assertEquals(score, answer.score(), TOLERANCE, "start logit + end logit of the markers");
    }
}
