package io.longdoc.ingest;

import io.longdoc.runtime.HiddenStates;
import io.longdoc.text.TokenizedText;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlobalPrefixTests {

    private static final long CLS = 101, SEP = 102;

    /** [CLS] ids… [SEP] as the tokenizer returns a text; spans are irrelevant here. */
    private static TokenizedText tokens(long... textIds) {
        int n = textIds.length + 2;
        long[] ids = new long[n];
        boolean[] special = new boolean[n];
        ids[0] = CLS;
        special[0] = true;
        System.arraycopy(textIds, 0, ids, 1, textIds.length);
        ids[n - 1] = SEP;
        special[n - 1] = true;
        return new TokenizedText(ids, new int[n], new int[n], special);
    }

    private static final TokenizedText BODY = tokens(11, 12, 13);

    @Test
    void theFieldsTokensComeAfterClsAndAreGlobalTheirSeparatorIsNot() {
        GlobalPrefix prefix = GlobalPrefix.of(List.of(tokens(21, 22)), 256);
        assertEquals(3, prefix.length());
        assertArrayEquals(new long[] { CLS, 21, 22, SEP, 11, 12, 13, SEP }, prefix.ids(BODY));
        assertArrayEquals(new long[] { 1, 1, 1, 0, 0, 0, 0, 0 }, prefix.globalMask(BODY));
        assertFalse(prefix.cut());
    }

    @Test
    void severalFieldsInOrderEachClosedByASeparator() {
        GlobalPrefix prefix = GlobalPrefix.of(List.of(tokens(21), tokens(31, 32)), 256);
        assertArrayEquals(new long[] { CLS, 21, SEP, 31, 32, SEP, 11, 12, 13, SEP }, prefix.ids(BODY));
        assertArrayEquals(new long[] { 1, 1, 0, 1, 1, 0, 0, 0, 0, 0 }, prefix.globalMask(BODY));
    }

    @Test
    void tokensBeyondTheLimitAreCutAndSaySo() {
        GlobalPrefix prefix = GlobalPrefix.of(List.of(tokens(21, 22), tokens(31, 32)), 3);
        assertArrayEquals(new long[] { CLS, 21, 22, SEP, 31, SEP, 11, 12, 13, SEP }, prefix.ids(BODY));
        assertTrue(prefix.cut());
        assertEquals(5, prefix.length());
    }

    @Test
    void aFieldWithoutTextTokensAddsNothing() {
        GlobalPrefix prefix = GlobalPrefix.of(List.of(tokens()), 256);
        assertTrue(prefix.isEmpty());
        assertArrayEquals(BODY.ids(), prefix.ids(BODY));
        assertArrayEquals(new long[] { 1, 0, 0, 0, 0 }, prefix.globalMask(BODY), "[CLS] alone is global, as without global fields");
    }

    @Test
    void bodyRowsAreTheSequenceRowsShiftedByThePrefix() {
        GlobalPrefix prefix = GlobalPrefix.of(List.of(tokens(21, 22)), 256);
        int n = prefix.ids(BODY).length;
        float[] values = new float[n * 2];
        for (int row = 0; row < n; row++) {
            values[row * 2] = row;
            values[row * 2 + 1] = -row - 1; // a second column, never zero
        }
        HiddenStates body = prefix.bodyRows(new HiddenStates(values, n, 2));
        assertEquals(BODY.length(), body.tokens());
        for (int token = 0; token < BODY.length(); token++) {
            float expectedRow = token == 0 ? 0 : token + prefix.length(); // [CLS] stays row 0
            assertEquals(expectedRow, body.values()[token * 2], "body token " + token);
            assertEquals(-expectedRow - 1, body.values()[token * 2 + 1], "body token " + token);
        }
        HiddenStates whole = new HiddenStates(values, n, 2);
        assertSame(whole, GlobalPrefix.NONE.bodyRows(whole), "no prefix: the rows are the body's");
    }
}
