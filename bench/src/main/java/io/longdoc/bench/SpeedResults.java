package io.longdoc.bench;

import io.longdoc.graph.GemmPrecision;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Everything one run of the speed harness measured, with where and how, for the JSON, Markdown and plot writers. */
record SpeedResults(
    String date,
    String command,
    Machine machine,
    LoadAverage loadAtStart,
    LoadAverage loadAtEnd,
    SpeedSettings settings,
    StepResult<List<EncoderRow>> encoder,
    StepResult<List<KernelLine>> kernel,
    EsSteps.Results es
) {

    /**
     * ONNX Runtime's Java API (1.29) has no call for allocator statistics, so the arena's own peak cannot be read from
     * here; the encoder sessions run with the arena off so that the resident-set growth is their working memory.
     */
    static final String ORT_ARENA = "not available: ONNX Runtime's Java API exposes no allocator statistics; sessions run with the CPU arena off, "
        + "so the resident-set growth is the memory the runs used";

    List<EncoderRatios> ratios() {
        return encoder.isMeasured() ? EncoderRatios.of(encoder.value()) : List.of();
    }

    /**
     * The in-process encoder row the end-to-end ingest compares with: the variant the node ran (the fused kernel, or
     * standard ops where it fell back) in the precision the node ran (int8 for the bundled model on a CPU with VNNI), at
     * the measured length nearest (in ratio) to the ingested documents' length.
     */
    Optional<EncoderRow> rawEncoderFor(BulkIngestStep.Result ingest) {
        if (encoder.isMeasured() == false) {
            return Optional.empty();
        }
        EncoderVariant variant = "fused".equals(ingest.kernel()) ? EncoderVariant.SPARSE_FUSED : EncoderVariant.SPARSE_STD;
        return encoder.value().stream()
            .filter(r -> r.variant() == variant && r.precision() == ingest.precision() && r.isMeasured())
            .min(Comparator.comparingDouble(r -> Math.abs(Math.log((double) r.n() / ingest.tokensPerDocument()))));
    }
}
