package io.longdoc.ingest;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExtractiveSummaryTests {

    private static float[] unit(double... v) {
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(norm));
        }
        return out;
    }

    @Test
    void centralityAlonePicksTheClosestSectionsInDocumentOrder() {
        float[] doc = unit(1, 0, 0);
        List<float[]> sections = List.of(unit(0, 1, 0), unit(1, 0.1, 0), unit(0, 0, 1), unit(1, 0.2, 0));
        assertEquals(List.of(1, 3), new ExtractiveSummary(2, 1.0).select(doc, sections));
    }

    @Test
    void mmrAvoidsANearDuplicate() {
        float[] doc = unit(1, 1, 0);
        // sections 0 and 1 are near copies; 2 covers the other half of the document's meaning
        List<float[]> sections = List.of(unit(1, 0.05, 0), unit(1, 0.06, 0), unit(0.05, 1, 0));
        assertEquals(List.of(0, 1), new ExtractiveSummary(2, 1.0).select(doc, sections), "centrality alone takes both copies");
        assertEquals(List.of(1, 2), new ExtractiveSummary(2, 0.5).select(doc, sections), "MMR takes one copy and the other topic");
    }

    @Test
    void fewerSectionsThanKReturnsAll() {
        assertEquals(List.of(0), new ExtractiveSummary(3, 0.7).select(unit(1, 0), List.of(unit(0, 1))));
        assertEquals(List.of(), new ExtractiveSummary(3, 0.7).select(unit(1, 0), List.of()));
    }

    @Test
    void rejectsBadParameters() {
        assertThrows(IllegalArgumentException.class, () -> new ExtractiveSummary(0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new ExtractiveSummary(2, 1.5));
    }
}
