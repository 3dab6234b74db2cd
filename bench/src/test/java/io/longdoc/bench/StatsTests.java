package io.longdoc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StatsTests {

    @Test
    void medianOfAnOddCountIsTheMiddleValueMeasured() {
        assertEquals(3.0, Stats.median(new double[] { 5, 1, 3 }));
    }

    @Test
    void medianOfAnEvenCountIsTheLowerMiddleValueNotAnAverage() {
        assertEquals(2.0, Stats.median(new double[] { 4, 1, 2, 3 }));
    }

    @Test
    void p95OfTwentyValuesIsTheNineteenth() {
        double[] values = new double[20];
        for (int i = 0; i < values.length; i++) {
            values[i] = 20 - i; // 20 … 1, unsorted on purpose
        }
        assertEquals(19.0, Stats.percentile(values, 95));
        assertEquals(1.0, Stats.min(values));
    }

    @Test
    void percentileOfNothingIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Stats.median(new double[0]));
    }
}
