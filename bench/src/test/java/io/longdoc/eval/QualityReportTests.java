package io.longdoc.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QualityReportTests {

    private static Map<String, Object> record(String task, int length, String method, double top1) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("task", task);
        r.put("length", length);
        r.put("method", method);
        r.put("documents", 100);
        r.put("questions", 50);
        r.put("top1", top1);
        r.put("mrr_at_10", top1);
        return r;
    }

    @Test
    void aResumedRunKeepsTheSetsAlreadyDoneAndTheirTime(@TempDir Path out) throws Exception {
        Map<String, String> options = Map.of("candidates", "100", "lengths", "1024,2048");
        QualityReport.write(out, List.of(record("passkey", 1024, "bm25", 1.0), record("deep-section", 0, "bm25", 0.5)), "--x y", options, 120);

        QualityReport.Previous previous = QualityReport.read(out, options);
        assertTrue(previous.has("passkey", 1024));
        assertTrue(previous.has("deep-section", 0));
        assertFalse(previous.has("passkey", 2048));
        assertFalse(previous.has("needle", 1024));
        assertEquals(120, previous.seconds(), 1e-9);
        assertEquals(1.0, (Double) previous.records().get(0).get("top1"), 1e-9);
        // what was read can be written again (the table casts the values back)
        QualityReport.write(out, previous.records(), "--x y", options, 130);
        assertTrue(Files.readString(out.resolve("quality.md")).contains("| passkey | 1024 | 100 | 50 | bm25 | 1.00 |"));
    }

    @Test
    void aRunWithOtherOptionsIsNotMixedIn(@TempDir Path out) throws Exception {
        QualityReport.write(out, List.of(record("passkey", 1024, "bm25", 1.0)), "", Map.of("candidates", "30"), 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QualityReport.read(out, Map.of("candidates", "100")));
        assertTrue(e.getMessage().contains("candidates=30"), e.getMessage());
    }

    @Test
    void noEarlierFileMeansNothingToKeep(@TempDir Path out) throws Exception {
        assertTrue(QualityReport.read(out, Map.of()).records().isEmpty());
    }

    @Test
    void aSetThatCouldNotRunIsARowSayingWhyAndCountsAsDone(@TempDir Path out) throws Exception {
        Map<String, String> options = Map.of("lengths", "1024,16384");
        List<Map<String, Object>> records = List.of(record("passkey", 1024, "bm25", 1.0),
            Map.of("task", "passkey", "length", 16384, "status", "not run: the corpus holds fewer than 16300 tokens of filler"),
            Map.of("task", "deep-section", "length", 0, "status", "not applicable: no sections"));
        QualityReport.write(out, records, "", options, 5);
        String table = Files.readString(out.resolve("quality.md"));
        assertTrue(table.contains("| passkey | 16384 | | | | not run: the corpus holds fewer than 16300 tokens of filler | | |"), table);
        assertTrue(table.contains("| deep-section | whole corpus | | | | not applicable: no sections | | |"), table);
        assertTrue(QualityReport.read(out, options).has("passkey", 16384), "a resumed run does not try it again");
    }
}
