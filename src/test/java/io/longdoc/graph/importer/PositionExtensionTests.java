package io.longdoc.graph.importer;

import io.longdoc.graph.FloatTensor;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each rule of {@link PositionExtension} row by row, on random tables (so no rule can pass by a table's regularity). */
class PositionExtensionTests {

    private static final int D = 5;

    private static FloatTensor table(int rows, long seed) {
        Random random = new Random(seed);
        float[] data = new float[rows * D];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return FloatTensor.of(data, rows, D);
    }

    private static float[] row(FloatTensor t, int r) {
        return Arrays.copyOfRange(t.data(), r * D, (r + 1) * D);
    }

    @Test
    void copyRepeatsTheLearnedRowsAfterTheOffset() {
        FloatTensor old = table(6, 1); // offset 2, 4 learned rows
        FloatTensor out = PositionExtension.COPY.extend(old, 2, 12);
        assertEquals(12, out.dim(0));
        assertArrayEquals(row(old, 0), row(out, 0));
        assertArrayEquals(row(old, 1), row(out, 1));
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(row(old, 2 + i % 4), row(out, 2 + i), "position " + i);
        }
    }

    @Test
    void interpolateReadsTheTableAtEvenlySpreadRealPositions() {
        FloatTensor old = table(4, 2); // 4 learned rows to 7: real positions 0, 0.5, 1, …, 3
        FloatTensor out = PositionExtension.INTERPOLATE.extend(old, 0, 7);
        for (int i = 0; i < 7; i++) {
            float[] expected = new float[D];
            float[] below = row(old, i / 2), above = row(old, Math.min(i / 2 + 1, 3));
            for (int k = 0; k < D; k++) {
                expected[k] = i % 2 == 0 ? below[k] : (below[k] + above[k]) / 2;
            }
            assertArrayEquals(expected, row(out, i), 1e-6f, "position " + i);
        }
        // the last row is the last learned row, with an offset kept in front
        FloatTensor withOffset = PositionExtension.INTERPOLATE.extend(table(514, 3), 2, 4098);
        assertArrayEquals(row(table(514, 3), 513), row(withOffset, 4097), 1e-6f);
        assertArrayEquals(row(table(514, 3), 2), row(withOffset, 2), 1e-6f);
        assertArrayEquals(row(table(514, 3), 1), row(withOffset, 1), 1e-6f);
    }

    @Test
    void groupSharesOneLearnedRowAmongNeighbours() {
        FloatTensor old = table(4, 4); // 4 learned rows to 10: groups of ⌈10 / 4⌉ = 3
        FloatTensor out = PositionExtension.GROUP.extend(old, 0, 10);
        int[] expected = { 0, 0, 0, 1, 1, 1, 2, 2, 2, 3 };
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(row(old, expected[i]), row(out, i), "position " + i);
        }
    }

    @Test
    void aTableOfTheSameLengthIsUnchangedByEveryRule() {
        FloatTensor old = table(8, 5);
        for (PositionExtension rule : PositionExtension.values()) {
            assertArrayEquals(old.data(), rule.extend(old, 0, 8).data(), 1e-6f, rule.toString());
        }
    }

    @Test
    void refusesToShrinkOrToExtendNothing() {
        assertThrows(IllegalArgumentException.class, () -> PositionExtension.GROUP.extend(table(8, 6), 0, 7));
        assertThrows(IllegalArgumentException.class, () -> PositionExtension.INTERPOLATE.extend(table(2, 7), 2, 8));
    }
}
