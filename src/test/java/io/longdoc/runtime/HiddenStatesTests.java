package io.longdoc.runtime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HiddenStatesTests {

    private final HiddenStates states = new HiddenStates(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2);

    @Test
    void firstIsTheClsRow() {
        assertArrayEquals(new float[] { 1, 2 }, states.first());
    }

    @Test
    void meanAveragesRows() {
        assertArrayEquals(new float[] { 3, 4 }, states.mean(), 1e-6f);
    }

    @Test
    void meanOfRowsAveragesASpan() {
        assertArrayEquals(new float[] { 4, 5 }, states.meanOfRows(1, 3), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> states.meanOfRows(2, 2));
        assertThrows(IllegalArgumentException.class, () -> states.meanOfRows(0, 4));
    }

    @Test
    void normalizeGivesUnitLength() {
        float[] v = HiddenStates.normalize(new float[] { 3, 4 });
        assertArrayEquals(new float[] { 0.6f, 0.8f }, v, 1e-6f);
        assertArrayEquals(new float[] { 0, 0 }, HiddenStates.normalize(new float[] { 0, 0 }));
    }

    @Test
    void rejectsWrongSizes() {
        var e = assertThrows(IllegalArgumentException.class, () -> new HiddenStates(new float[5], 3, 2));
        assertEquals("expected 3 x 2 values, got 5", e.getMessage());
    }
}
