package io.longdoc.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SentenceChunkerTests {

    /** {@code n} sentences of {@code words} words each: "sK wK1 wK2 ... ." so every sentence is recognisable. */
    private static String sentences(int n, int words) {
        StringBuilder text = new StringBuilder();
        for (int s = 0; s < n; s++) {
            text.append("S").append(s);
            for (int w = 1; w < words; w++) {
                text.append(" w").append(w);
            }
            text.append(". ");
        }
        return text.toString();
    }

    @Test
    void fillsChunksUpToTheWordLimitAndRepeatsTheLastSentence() {
        String text = sentences(10, 100); // 100 words a sentence: two fit in 250
        List<SentenceChunker.Chunk> chunks = SentenceChunker.chunk(text);
        assertEquals(9, chunks.size(), "each chunk: the previous chunk's last sentence and one new one");
        for (int i = 0; i < chunks.size(); i++) {
            String chunk = text.substring(chunks.get(i).start(), chunks.get(i).end());
            assertEquals(200, chunks.get(i).words());
            assertTrue(chunk.startsWith("S" + i + " ") && chunk.contains("S" + (i + 1) + " "), chunk.substring(0, 20));
        }
        assertEquals(0, chunks.get(0).start());
        assertEquals(text.length(), chunks.get(chunks.size() - 1).end(), "the whole text is covered");
    }

    @Test
    void neverExceedsTheLimitAndCoversEveryWord() {
        String text = sentences(7, 30) + sentences(1, 600) + sentences(5, 45);
        List<SentenceChunker.Chunk> chunks = SentenceChunker.chunk(text);
        int covered = 0;
        for (SentenceChunker.Chunk chunk : chunks) {
            assertTrue(chunk.words() <= SentenceChunker.MAX_WORDS, "chunk of " + chunk.words() + " words");
            assertEquals(SentenceChunker.words(text, chunk.start(), chunk.end()).size(), chunk.words());
            assertTrue(chunk.start() <= covered, "no gap before " + chunk.start());
            covered = Math.max(covered, chunk.end());
        }
        assertEquals(text.length(), covered);
        // the 600-word sentence is cut into pieces of at most 250 words
        assertTrue(chunks.stream().anyMatch(c -> c.words() == 250), chunks.toString());
    }

    @Test
    void countsWordsNotPunctuation() {
        assertEquals(4, SentenceChunker.words("Hello, world -- it's 2026!", 0, 26).size());
        assertEquals(List.of(), SentenceChunker.chunk("  ... --- !!! "));
    }
}
