package io.longdoc.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpeedSettingsTests {

    @Test
    void defaultsAreTheEvalProtocol() {
        SpeedSettings s = SpeedSettings.parse(new String[0]);
        assertArrayEquals(new int[] { 512, 1024, 2048, 4096, 8192, 16384 }, s.lengths());
        assertEquals(5, s.runs());
        assertEquals(Runtime.getRuntime().availableProcessors(), s.threads());
        assertEquals(10, s.qaCandidates());
        assertEquals(4096, s.esDocTokens());
        assertEquals(1, s.esShards(), "one shard, as the earlier long_doc_qa tables");
        assertFalse(s.qaCompareReuse());
        assertTrue(s.runs("es") && s.runs("encoder") && s.runs("kernel"));
    }

    @Test
    void shardsAndTheReuseComparisonAreOptions() {
        SpeedSettings s = SpeedSettings.parse(new String[] { "--es-shards", "3", "--qa-compare-reuse", "true" });
        assertEquals(3, s.esShards());
        assertTrue(s.qaCompareReuse());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> SpeedSettings.parse(new String[] { "--es-shards", "0" }));
        assertTrue(none.getMessage().contains("--es-shards"), none.getMessage());
    }

    @Test
    void lengthsAreSortedSoTheCapsCanExtrapolateFromShorterOnes() {
        assertArrayEquals(new int[] { 512, 1024 }, SpeedSettings.parse(new String[] { "--lengths", "1024, 512" }).lengths());
    }

    @Test
    void skipTakesAListOfSteps() {
        SpeedSettings s = SpeedSettings.parse(new String[] { "--skip", "es,kernel" });
        assertFalse(s.runs("es"));
        assertFalse(s.runs("kernel"));
        assertTrue(s.runs("encoder"));
    }

    @Test
    void anUnknownStepOrOptionIsRefusedNamingIt() {
        IllegalArgumentException step = assertThrows(IllegalArgumentException.class, () -> SpeedSettings.parse(new String[] { "--skip", "elastic" }));
        assertTrue(step.getMessage().contains("[elastic]"), step.getMessage());
        IllegalArgumentException option = assertThrows(IllegalArgumentException.class, () -> SpeedSettings.parse(new String[] { "--lenghts", "512" }));
        assertTrue(option.getMessage().contains("[--lenghts]"), option.getMessage());
    }

    @Test
    void precisionsAreFp32AndInt8UnlessNarrowed() {
        assertEquals(java.util.List.of(io.longdoc.graph.GemmPrecision.FP32, io.longdoc.graph.GemmPrecision.INT8), SpeedSettings.parse(new String[0]).precisions());
        assertEquals(java.util.List.of(io.longdoc.graph.GemmPrecision.INT8), SpeedSettings.parse(new String[] { "--precisions", "int8" }).precisions());
        var e = assertThrows(IllegalArgumentException.class, () -> SpeedSettings.parse(new String[] { "--precisions", "fp32,int4" }));
        assertTrue(e.getMessage().contains("int4"), e.getMessage());
    }

    @Test
    void interleavingIsOffUnlessAskedFor() {
        assertFalse(SpeedSettings.parse(new String[0]).interleave());
        assertTrue(SpeedSettings.parse(new String[] { "--interleave", "true" }).interleave());
    }
}
