package io.longdoc.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.longdoc.graph.GemmPrecision;
import org.junit.jupiter.api.Test;

import java.util.List;

class SpeedMarkdownTests {

    private static final EsSteps.Results NO_PLUGIN = EsSteps.Results.both(StepResult.unavailable("no plugin zip at target/longdoc-0.1.0-SNAPSHOT-es9.2.0.zip"));

    @Test
    void aLengthAVariantCouldNotRunKeepsItsRowWithTheReason() {
        String md = SpeedMarkdown.write(SpeedFixtures.results(StepResult.measured(SpeedFixtures.encoderRows()), NO_PLUGIN), "speed.png");
        assertTrue(md.contains("| 4096 | dense | fp32 | – | – | – | – | not run: n×n scores need ≈9 GB (cap 8 GB, --max-dense-gb) |"), md);
        assertTrue(md.contains("| 4096 | sparse-fused | fp32 | 772 |"), md);
    }

    @Test
    void ratiosAreGivenPerLengthWithADashWhereDenseDidNotRun() {
        String md = SpeedMarkdown.write(SpeedFixtures.results(StepResult.measured(SpeedFixtures.encoderRows()), NO_PLUGIN), "speed.png");
        assertTrue(md.contains("| 512 | fp32 | 1.79 | 1.25 | 0.71 | 0.34 | 1.25 | 1.00 |"), md);
        assertTrue(md.contains("| 4096 | fp32 | – | 1.14 | – | 2.86 | 1.14 | 1.00 |"), md);
    }

    @Test
    void stepsThatCouldNotRunSaySoWithTheReason() {
        String md = SpeedMarkdown.write(SpeedFixtures.results(StepResult.measured(SpeedFixtures.encoderRows()), NO_PLUGIN), "speed.png");
        assertTrue(md.contains("## End to end: bulk ingest through Elasticsearch\n\nunavailable: no plugin zip at target/longdoc-0.1.0-SNAPSHOT-es9.2.0.zip"), md);
        assertTrue(md.contains("## End to end: `long_doc_qa` latency\n\nunavailable: no plugin zip"), md);
    }

    @Test
    void aBuildWithoutTheQueryIsReportedAsSuch() {
        EsSteps.Results es = new EsSteps.Results(SpeedFixtures.ingest("fused"), StepResult.unavailable("long_doc_qa not in this build"));
        String md = SpeedMarkdown.write(SpeedFixtures.results(StepResult.measured(SpeedFixtures.encoderRows()), es), "speed.png");
        assertTrue(md.contains("unavailable: long_doc_qa not in this build"), md);
    }

    @Test
    void qaLatencyIsGivenAsPercentilesWithTheHitsFound() {
        EsSteps.Results es = new EsSteps.Results(SpeedFixtures.ingest("fused"),
            StepResult.measured(new QaLatencyStep.Result(10, 20, 2117, 3243, 2086, 10, 12, 20, 1, 10, null)));
        String md = SpeedMarkdown.write(SpeedFixtures.results(StepResult.measured(SpeedFixtures.encoderRows()), es), "speed.png");
        assertTrue(md.contains("| 10 | 20 | 2117 | 3243 | 2086 | 10 | 12 | 20 | 1 | 10.0 | the node's default |"), md);
    }

    @Test
    void theReuseComparisonIsOneRowEachWayWithTheShardsAndTheReads() {
        EsSteps.Results es = new EsSteps.Results(SpeedFixtures.ingest("fused"),
            StepResult.measured(new QaLatencyStep.Result(10, 20, 500, 560, 480, 3, 12, 20, 3, 30, new QaLatencyStep.Timing(520, 590, 500, 33))));
        String md = SpeedMarkdown.write(SpeedFixtures.results(StepResult.measured(SpeedFixtures.encoderRows()), es), "speed.png");
        assertTrue(md.contains("| 10 | 20 | 520 | 590 | 500 | 3 | 12 | 20 | 3 | 33.0 | reads each hit again (`longdoc.qa.reuse_reads: false`) |\n"
            + "| 10 | 20 | 500 | 560 | 480 | 3 | 12 | 20 | 3 | 30.0 | reuses the query phase's reads |"), md);
    }

    @Test
    void ingestIsComparedWithTheRawEncoderOfTheKernelTheNodeRan() {
        EsSteps.Results es = new EsSteps.Results(SpeedFixtures.ingest("fused"), StepResult.unavailable("long_doc_qa not in this build"));
        String md = SpeedMarkdown.write(SpeedFixtures.results(StepResult.measured(SpeedFixtures.encoderRows()), es), "speed.png");
        // 20 × 4096 tokens in 40 s = 2048 tokens/s; sparse-fused at 4096: 4096 / 0.772 s = 5306 tokens/s
        assertTrue(md.contains("| bge-small-en-v1.5 | fused | fp32 | 12.5 | 0.50 | 2048 | 5306 (sparse-fused, n=4096) | 0.39 |"), md);
    }

    @Test
    void eachPrecisionIsComparedWithTheRawEncoderOfItsOwnPrecision() {
        EsSteps.Results es = new EsSteps.Results(StepResult.measured(List.of(
            SpeedFixtures.ingestRun("bge-small-en-v1.5-int8", "fused", GemmPrecision.INT8, 20.0),
            SpeedFixtures.ingestRun("bge-small-en-v1.5", "fused", GemmPrecision.FP32, 40.0))), StepResult.unavailable("long_doc_qa not in this build"));
        String md = SpeedMarkdown.write(SpeedFixtures.results(StepResult.measured(SpeedFixtures.encoderRowsWithInt8()), es), "speed.png");
        // int8: 20 × 4096 tokens in 20 s = 4096 tokens/s against int8 sparse-fused at 4096: 4096 / 0.386 s = 10611 tokens/s
        assertTrue(md.contains("| bge-small-en-v1.5-int8 | fused | int8 | 12.5 | 1.00 | 4096 | 10611 (sparse-fused, n=4096) | 0.39 |"), md);
        assertTrue(md.contains("| bge-small-en-v1.5 | fused | fp32 | 12.5 | 0.50 | 2048 | 5306 (sparse-fused, n=4096) | 0.39 |"), md);
    }

    @Test
    void theMachineTheDateAndTheCommandAreNamed() {
        String md = SpeedMarkdown.write(SpeedFixtures.results(StepResult.skipped("--skip encoder"), NO_PLUGIN), "speed.png");
        assertTrue(md.contains("Test CPU 9000") && md.contains("23.4 GiB") && md.contains("1.29.0") && md.contains("Eclipse Adoptium 25+36"), md);
        assertTrue(md.contains("2026-11-22T09:00:00Z") && md.contains("bash bench/speed.sh --lengths 512,4096 --runs 3"), md);
        assertTrue(md.contains("## Encoder\n\nskipped: --skip encoder"), md);
        assertTrue(md.contains("0.50 0.40 0.30 at the start, 1.90 0.90 0.40 at the end"), md);
    }

    /** int8 rows carry their precision, and their ratios compare with int8 chunk-512 and with fp32 chunk-512 and sparse-fused. */
    @Test
    void int8RowsHaveTheirPrecisionAndRatiosAgainstBothChunkings() {
        String md = SpeedMarkdown.write(SpeedFixtures.results(StepResult.measured(SpeedFixtures.encoderRowsWithInt8()), NO_PLUGIN), "speed.png");
        assertTrue(md.contains("| 4096 | sparse-fused | int8 | 386 |"), md);
        assertTrue(md.contains("| 4096 | chunk-512 | int8 | 441 |"), md);
        // int8 fused 386 ms against int8 chunk 441 ms (1.14), fp32 chunk 882 ms (2.28) and fp32 fused 772 ms (2.00); dense not run
        assertTrue(md.contains("| 4096 | int8 | – | 1.14 | – | 2.86 | 2.28 | 2.00 |"), md);
        assertTrue(md.contains("GemmPrecision int8:"), md);
        assertTrue(md.contains("| avx512_vnni, amx_int8 |"), "the run's int8 instructions are named: " + md);
    }

    @Test
    void anInterleavedRunSaysItsRatiosAreTheNumbersToRead() {
        SpeedResults plain = SpeedFixtures.results(StepResult.measured(SpeedFixtures.encoderRows()), NO_PLUGIN);
        SpeedSettings interleaved = SpeedSettings.parse(new String[] { "--lengths", "512,4096", "--runs", "3", "--out", "/tmp/x", "--interleave", "true" });
        SpeedResults results = new SpeedResults(plain.date(), plain.command(), plain.machine(), plain.loadAtStart(), plain.loadAtEnd(), interleaved,
            plain.encoder(), plain.kernel(), plain.es());
        assertTrue(SpeedMarkdown.write(results, "speed.png").contains("**Interleaved**"));
        assertFalse(SpeedMarkdown.write(plain, "speed.png").contains("**Interleaved**"));
    }

    @Test
    void fewerThanFiveRunsAreFlagged() {
        String md = SpeedMarkdown.write(SpeedFixtures.results(StepResult.measured(SpeedFixtures.encoderRows()), NO_PLUGIN), "speed.png");
        assertTrue(md.contains("Fewer than 5 timed runs"), md);
    }
}
