package io.longdoc.bench;

import io.longdoc.graph.GemmPrecision;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** {@code speed.md}: the tables of one run, the machine, the date and the command that made them. */
final class SpeedMarkdown {

    private SpeedMarkdown() {}

    static String write(SpeedResults results, String plotFile) {
        StringBuilder md = new StringBuilder();
        md.append("# longdoc speed\n\n");
        md.append("Run on ").append(results.date()).append(" with\n\n```\n").append(results.command()).append("\n```\n\n");
        machine(md, results);
        encoder(md, results);
        kernel(md, results);
        ingest(md, results);
        qa(md, results);
        if (results.encoder().isMeasured()) {
            md.append("## Plot\n\n").append("Time per document and peak memory against length, log-log, one line per variant and precision (int8 dashed; measured rows only).\n\n")
                .append("![time and memory against length](").append(plotFile).append(")\n");
        }
        return md.toString();
    }

    private static void machine(StringBuilder md, SpeedResults results) {
        Machine m = results.machine();
        md.append("## Machine\n\n");
        md.append("| cores | CPU | int8 features | memory | OS | JDK | ONNX Runtime |\n| ---: | --- | --- | ---: | --- | --- | --- |\n");
        md.append(String.format(Locale.ROOT, "| %d | %s (fused op: %s) | %s | %s | %s | %s | %s |%n%n", m.cores(), m.cpu(), m.opIsa(), m.int8Features(),
            m.memoryGib() < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f GiB", m.memoryGib()), m.os(), m.jdk(), m.ortVersion()));
        md.append(String.format(Locale.ROOT, "Load average (1, 5, 15 min): %s at the start, %s at the end. Above %d (the cores), other processes "
            + "shared the CPU during the run and every time is slower than on a quiet machine.%n%n", results.loadAtStart(), results.loadAtEnd(), m.cores()));
    }

    private static void encoder(StringBuilder md, SpeedResults results) {
        SpeedSettings s = results.settings();
        md.append("## Encoder\n\n");
        if (results.encoder().isMeasured() == false) {
            md.append(results.encoder().describe()).append("\n\n");
            return;
        }
        md.append(String.format(Locale.ROOT, "%s, one document of n tokens of real text (%s), batch 1, in one process: %s (full attention, standard ONNX ops), "
            + "%s (sliding window w=%d each side + global [CLS], standard ops), %s (the same pattern through the onnx-ops kernel) and %s (the original "
            + "512-position model over consecutive 512-token chunks); same weights, %d intra-op threads, %d warm-up run%s then the median of %d timed runs. "
            + "Peak memory: the process's resident-set high-water mark during warm-up and runs, above its size before them (weights and sessions "
            + "excluded). ORT arena: %s.%n%n", s.model(), s.corpus().getFileName(), EncoderVariant.DENSE, EncoderVariant.SPARSE_STD, s.window(),
            EncoderVariant.SPARSE_FUSED, EncoderVariant.CHUNK_512, s.threads(), s.warmup(), s.warmup() == 1 ? "" : "s", s.runs(), SpeedResults.ORT_ARENA));
        if (s.precisions().contains(GemmPrecision.INT8)) {
            md.append("GemmPrecision int8: the same graphs with every projection and feed-forward GEMM in int8 (weights per output channel, activations "
                + "quantized on the fly, ONNX Runtime's DynamicQuantizeMatMul; attention fp32); int8 chunk-512 is the original model's weights compiled "
                + "by the graph builder with a 512-token window through the fused kernel (over a chunk, exactly full attention), while fp32 chunk-512 "
                + "runs the original ONNX export. Dense runs in fp32 only.\n\n");
        }
        if (s.interleave()) {
            md.append("**Interleaved** (`--interleave true`): at each length every variant's warm-up, then round after round one run of each, so a "
                + "busy spell on a shared machine slows all variants alike; the ratios are the numbers to read, and peak memory is not measured.\n\n");
        }
        if (s.runs() < 5) {
            md.append("**Fewer than 5 timed runs: the medians are rough** (EVAL.md asks for at least 5).\n\n");
        }
        md.append("| n | variant | precision | ms / doc (median) | ms (min) | tokens/s | peak memory (MB) | note |\n");
        md.append("| ---: | --- | --- | ---: | ---: | ---: | ---: | --- |\n");
        for (EncoderRow row : results.encoder().value()) {
            if (row.isMeasured()) {
                Sample sample = row.sample();
                md.append(String.format(Locale.ROOT, "| %d | %s | %s | %.0f | %.0f | %.0f | %s | %s |%n", row.n(), row.variant(), row.precision(),
                    sample.medianMs(), sample.minMs(), row.tokensPerSecond(), sample.peakKnown() ? Long.toString(sample.peakRssMb()) : "?", row.note()));
            } else {
                md.append(String.format(Locale.ROOT, "| %d | %s | %s | – | – | – | – | %s |%n", row.n(), row.variant(), row.precision(), row.note()));
            }
        }
        md.append("\nsparse-fused against the others: tokens/s ratio (above 1: sparse-fused is faster) and peak-memory ratio (below 1: it needs less). "
            + "Dense is fp32; chunk-512 is the row's own precision, and fp32 in the last two columns.\n\n");
        md.append("| n | precision | tokens/s ÷ dense | tokens/s ÷ chunk-512 | memory ÷ dense | memory ÷ chunk-512 | tokens/s ÷ fp32 chunk-512 "
            + "| tokens/s ÷ fp32 sparse-fused |\n| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (EncoderRatios r : results.ratios()) {
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s |%n", r.n(), r.precision(), ratio(r.speedOverDense()),
                ratio(r.speedOverChunk()), ratio(r.memoryOverDense()), ratio(r.memoryOverChunk()), ratio(r.speedOverFp32Chunk()),
                ratio(r.speedOverFp32Fused())));
        }
        md.append('\n');
    }

    private static void kernel(StringBuilder md, SpeedResults results) {
        md.append("## Attention kernel\n\n");
        if (results.kernel().isMeasured() == false) {
            md.append(results.kernel().describe()).append("\n\n");
            return;
        }
        SpeedSettings s = results.settings();
        md.append(String.format(Locale.ROOT, "The fused longdoc.SparseAttention op alone (%d heads × head dim %d, w=%d each side, global [CLS]) next to "
            + "ONNX Runtime's dense MatMul in the same run, same threads: the band's scores as one batched MatMul [heads, n, h] × [heads, h, %d] (the same "
            + "M·N·K as the op's q·k), and the layer's projection GEMM [n, hidden] × [hidden, hidden] for reference. Op flops: 4·h per allowed (query, key) pair, "
            + "counted exactly; MatMul 2·M·N·K. Median of %d runs. Details: `bash bench/attention-kernel.sh`.%n%n", KernelLine.HEADS, KernelLine.HEAD_DIM, s.window(), 2 * s.window() + 1,
            s.runs()));
        md.append("| n | op GFLOP/s | dense MatMul GFLOP/s | op ÷ MatMul | projection GEMM GFLOP/s (ref.) |\n| ---: | ---: | ---: | ---: | ---: |\n");
        for (KernelLine line : results.kernel().value()) {
            md.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.2f | %.1f |%n", line.n(), line.opGflops(), line.matMulGflops(), line.opOverMatMul(),
                line.projectionGflops()));
        }
        md.append('\n');
    }

    private static void ingest(StringBuilder md, SpeedResults results) {
        md.append("## End to end: bulk ingest through Elasticsearch\n\n");
        if (results.es().ingest().isMeasured() == false) {
            md.append(results.es().ingest().describe()).append("\n\n");
            return;
        }
        List<BulkIngestStep.Result> runs = results.es().ingest().value();
        BulkIngestStep.Result first = runs.get(0);
        md.append(String.format(Locale.ROOT, "%d documents of %d tokens from %s, `_bulk` requests of %d through a pipeline of one `long_doc` processor "
            + "(%s, section vectors on), one node (heap %s), timed from the first request to the last answer, once per precision (int8: the bundled "
            + "model as an operator model with `compile.quantize: int8`); each run's first document (model load and graph compile) went through "
            + "`_simulate` before. Tokens as the node counts them (`_longdoc/models` stats). The raw encoder is this run's in-process row of the "
            + "variant and precision the node ran at the nearest length.%n%n", first.documents(), first.tokensPerDocument(),
            results.settings().corpus().getFileName(), first.bulkSize(), first.model(), results.settings().esHeap()));
        md.append("| model | kernel | precision | first document s | docs/s | tokens/s | raw encoder tokens/s | end to end ÷ raw encoder | node's forward passes alone, tokens/s |\n")
            .append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (BulkIngestStep.Result r : runs) {
            String raw = results.rawEncoderFor(r).map(row -> String.format(Locale.ROOT, "%.0f (%s, n=%d)", row.tokensPerSecond(), row.variant(), row.n()))
                .orElse("not measured in this run");
            String ratio = results.rawEncoderFor(r).map(row -> ratio(r.tokensPerSecond() / row.tokensPerSecond())).orElse("–");
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %.2f | %.0f | %s | %s | %.0f |%n", r.model(), r.kernel(), r.precision(), r.firstDocSeconds(),
                r.docsPerSecond(), r.tokensPerSecond(), raw, ratio, r.nodeEncoderTokensPerSecond()));
        }
        md.append('\n');
    }

    private static void qa(StringBuilder md, SpeedResults results) {
        md.append("## End to end: `long_doc_qa` latency\n\n");
        if (results.es().qa().isMeasured() == false) {
            md.append(results.es().qa().describe()).append("\n\n");
            return;
        }
        QaLatencyStep.Result r = results.es().qa().value();
        md.append(String.format(Locale.ROOT, "`POST %s/_search` with `long_doc_qa` (%d candidates, size %d: each returned hit gets its answer) over the "
            + "ingested documents, %d questions after %d warm-up, measured at the client (sent to answer read); `took` is the node's own figure; "
            + "candidate reads: documents the node loaded for the reader per question (`GET _longdoc/models` `long_doc_qa.candidate_reads`). "
            + "Beside it, the first stage alone: a BM25 `match` on the same field with the same questions.%n%n", SpeedIndex.INDEX, r.candidates(),
            QaLatencyStep.SIZE, r.queries(), results.settings().qaWarmup()));
        md.append("| candidates | questions | p50 ms | p95 ms | took p50 ms | hits of the first answer | BM25 alone p50 ms | BM25 alone p95 ms "
            + "| shards | candidate reads per question | answers fetch phase |\n"
            + "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        if (r.withoutReuse() != null) { // alternated with the row below, question by question, on the same node and index
            QaLatencyStep.Timing w = r.withoutReuse();
            md.append(String.format(Locale.ROOT, "| %d | %d | %.0f | %.0f | %.0f | %d | %.0f | %.0f | %d | %s | reads each hit again (`longdoc.qa.reuse_reads: false`) |%n",
                r.candidates(), r.queries(), w.p50Ms(), w.p95Ms(), w.tookP50Ms(), r.hits(), r.firstStageP50Ms(), r.firstStageP95Ms(), r.shards(),
                reads(w.readsPerQuestion())));
        }
        String fetch = r.withoutReuse() != null ? "reuses the query phase's reads" : "the node's default";
        md.append(String.format(Locale.ROOT, "| %d | %d | %.0f | %.0f | %.0f | %d | %.0f | %.0f | %d | %s | %s |%n%n", r.candidates(),
            r.queries(), r.p50Ms(), r.p95Ms(), r.tookP50Ms(), r.hits(), r.firstStageP50Ms(), r.firstStageP95Ms(), r.shards(), reads(r.readsPerQuestion()),
            fetch));
    }

    /** Candidate reads per question; a node that does not count them (a build before the counter) gives "–". */
    private static String reads(double perQuestion) {
        return Double.isFinite(perQuestion) ? String.format(Locale.ROOT, "%.1f", perQuestion) : "–";
    }

    static String lengthsOf(int[] lengths) {
        return Arrays.stream(lengths).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    }

    private static String ratio(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.2f", value) : "–";
    }
}
