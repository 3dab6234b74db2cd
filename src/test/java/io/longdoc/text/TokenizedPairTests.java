package io.longdoc.text;

import org.junit.jupiter.api.Test;

import static io.longdoc.text.TokenizedPair.FIRST;
import static io.longdoc.text.TokenizedPair.SECOND;
import static io.longdoc.text.TokenizedPair.SPECIAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TokenizedPairTests {

    // <s> q q </s></s> t t t </s>, RoBERTa's pair template: two separators between the texts
    private final TokenizedPair pair = new TokenizedPair(
        new TokenizedText(
            new long[] { 0, 10, 11, 2, 2, 20, 21, 22, 2 },
            new int[] { 0, 0, 2, 0, 0, 0, 4, 8, 0 },
            new int[] { 0, 1, 3, 0, 0, 3, 7, 9, 0 },
            new boolean[] { true, false, false, true, true, false, false, false, true }
        ),
        new int[] { SPECIAL, FIRST, FIRST, SPECIAL, SPECIAL, SECOND, SECOND, SECOND, SPECIAL }
    );

    @Test
    void findsWhereEachTextStartsAndEnds() {
        assertEquals(1, pair.first(FIRST));
        assertEquals(3, pair.end(FIRST));
        assertEquals(5, pair.first(SECOND));
        assertEquals(8, pair.end(SECOND));
    }

    @Test
    void truncationCutsTheSecondTextAndKeepsTheClosingSeparator() {
        TokenizedPair cut = pair.truncateSecond(7);
        assertArrayEquals(new long[] { 0, 10, 11, 2, 2, 20, 2 }, cut.tokens().ids());
        assertArrayEquals(new int[] { SPECIAL, FIRST, FIRST, SPECIAL, SPECIAL, SECOND, SPECIAL }, cut.sequence());
        assertArrayEquals(new int[] { 0, 0, 2, 0, 0, 0, 0 }, cut.tokens().starts());
        assertArrayEquals(new int[] { 0, 1, 3, 0, 0, 3, 0 }, cut.tokens().ends());
        assertSame(pair, pair.truncateSecond(9), "a pair that fits is kept as it is");
    }

    @Test
    void truncationNeverEatsIntoTheFirstText() {
        var e = assertThrows(IllegalArgumentException.class, () -> pair.truncateSecond(6));
        assertEquals("the first text and the special tokens take 6 tokens, leaving no room for the second in 6", e.getMessage());
    }
}
