package io.longdoc.bench;

import java.util.List;

/** Results of a pretend run, for the report writers' tests: no model, no node, no timing. */
final class SpeedFixtures {

    static final Machine MACHINE = new Machine(2, "Test CPU 9000", "avx2", "avx512_vnni, amx_int8", 23.4, "Linux 6.1 amd64", "Eclipse Adoptium 25+36", "1.29.0");

    private SpeedFixtures() {}

    /** Two lengths, dense refused at the longer one, sparse-fused from the onnx-ops kernel. */
    static List<EncoderRow> encoderRows() {
        return List.of(
            row(EncoderVariant.DENSE, 512, 150, 14),
            row(EncoderVariant.SPARSE_STD, 512, 205, 59),
            row(EncoderVariant.SPARSE_FUSED, 512, 84, 10),
            row(EncoderVariant.CHUNK_512, 512, 105, 29),
            EncoderRow.notRun(EncoderVariant.DENSE, 4096, "not run: n×n scores need ≈9 GB (cap 8 GB, --max-dense-gb)"),
            row(EncoderVariant.SPARSE_STD, 4096, 1657, 543),
            row(EncoderVariant.SPARSE_FUSED, 4096, 772, 83),
            row(EncoderVariant.CHUNK_512, 4096, 882, 29));
    }

    /** {@link #encoderRows()} plus int8 sparse-std, sparse-fused and chunk-512 at both lengths, each twice as fast as fp32. */
    static List<EncoderRow> encoderRowsWithInt8() {
        List<EncoderRow> rows = new java.util.ArrayList<>(encoderRows());
        for (EncoderRow fp32 : encoderRows()) {
            if (fp32.isMeasured() && fp32.variant() != EncoderVariant.DENSE) {
                Sample s = fp32.sample();
                rows.add(EncoderRow.measured(fp32.variant(), io.longdoc.graph.GemmPrecision.INT8, fp32.n(), new Sample(s.medianMs() / 2, s.minMs() / 2, s.peakRssMb(), 3)));
            }
        }
        return rows;
    }

    static SpeedResults results(StepResult<List<EncoderRow>> encoder, EsSteps.Results es) {
        SpeedSettings settings = SpeedSettings.parse(new String[] { "--lengths", "512,4096", "--runs", "3", "--out", "/tmp/x" });
        StepResult<List<KernelLine>> kernel = StepResult.measured(List.of(new KernelLine(4096, 75.5, 152.9, 170.4)));
        return new SpeedResults("2026-11-22T09:00:00Z", "bash bench/speed.sh --lengths 512,4096 --runs 3", MACHINE, new LoadAverage("0.50 0.40 0.30"),
            new LoadAverage("1.90 0.90 0.40"), settings, encoder, kernel, es);
    }

    /** One fp32 ingest run: 20 documents of 4,096 tokens in 40 s. */
    static StepResult<List<BulkIngestStep.Result>> ingest(String kernel) {
        return StepResult.measured(List.of(ingestRun("bge-small-en-v1.5", kernel, io.longdoc.graph.GemmPrecision.FP32, 40.0)));
    }

    static BulkIngestStep.Result ingestRun(String model, String kernel, io.longdoc.graph.GemmPrecision precision, double seconds) {
        return new BulkIngestStep.Result(model, kernel, precision, 20, 4096, 5, 20 * 4096, seconds, 12.5, 30_000);
    }

    private static EncoderRow row(EncoderVariant variant, int n, double ms, long peakMb) {
        return EncoderRow.measured(variant, n, new Sample(ms, ms * 0.98, peakMb, 3));
    }
}
