package io.longdoc.bench;

import static io.longdoc.bench.BenchCli.progress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The speed harness of EVAL.md in one run: the encoder table (dense, sparse-std, sparse-fused, chunk-512 against
 * length), the kernel line, bulk ingest and {@code long_doc_qa} latency through a real Elasticsearch node; writes
 * {@code speed.json}, {@code speed.md} and {@code speed.png} into {@code --out}. A step that cannot run here is
 * reported with the reason, never left out.
 *
 * <pre>bash bench/speed.sh --out DIR [--lengths 512,1024,2048,4096,8192,16384] [--runs 5] [--skip encoder,kernel,es] …</pre>
 * Every option with its default: {@link SpeedSettings}.
 */
public final class SpeedHarness {

    private static final int STEPS = 4;

    private SpeedHarness() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true"); // the plot is drawn off screen, also where a display exists
        SpeedSettings s = SpeedSettings.parse(args);
        String command = System.getenv().getOrDefault("LONGDOC_SPEED_COMMAND", "SpeedHarness " + String.join(" ", args));
        String date = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        Machine machine = Machine.describe();
        LoadAverage loadAtStart = LoadAverage.now();
        progress(String.format(Locale.ROOT, "%s; %d cores, %s; int8 features: %s; ONNX Runtime %s; %d intra-op threads; load average %s", command,
            machine.cores(), machine.cpu(), machine.int8Features(), machine.ortVersion(), s.threads(), loadAtStart));

        progress(step(1, "encoder table: " + s.model() + " at n = " + SpeedMarkdown.lengthsOf(s.lengths())));
        StepResult<List<EncoderRow>> encoder = s.runs("encoder") ? encoder(s) : StepResult.skipped("--skip encoder");
        reportUnmeasured("encoder table", encoder);

        progress(step(2, "kernel line: the attention op against ORT's MatMul"));
        StepResult<List<KernelLine>> kernel = s.runs("kernel")
            ? attempt(() -> KernelLine.measure(s.opsLibrary(), s.lengths(),
                new AttentionKernels.Setup(KernelLine.HEADS, KernelLine.HEAD_DIM, s.window(), s.threads(), Math.max(2, s.warmup()), s.runs())))
            : StepResult.skipped("--skip kernel");
        reportUnmeasured("kernel line", kernel);

        progress(step(3, "Elasticsearch: bulk ingest, then long_doc_qa latency"));
        EsSteps.Results es = s.runs("es")
            ? EsSteps.run(new EsSteps.Setup(s.esDistribution(), s.pluginZip(), s.esWorkDir().toAbsolutePath(), s.esHeap(), s.model(), s.precisions(),
                s.modelDir().resolve(s.model() + "-tokenizer.json"), s.corpus(), s.esDocs(), s.esDocTokens(), s.esBulkSize(), s.qaCandidates(),
                s.qaWarmup(), s.qaQueries(), s.esShards(), s.qaCompareReuse()))
            : EsSteps.Results.both(StepResult.skipped("--skip es"));
        reportUnmeasured("bulk ingest", es.ingest());
        reportUnmeasured("long_doc_qa latency", es.qa());

        progress(step(4, "writing " + s.out().resolve("speed.{json,md,png}")));
        SpeedResults results = new SpeedResults(date, command, machine, loadAtStart, LoadAverage.now(), s, encoder, kernel, es);
        Files.createDirectories(s.out());
        Files.writeString(s.out().resolve("speed.json"), SpeedJson.write(results));
        String markdown = SpeedMarkdown.write(results, "speed.png");
        Files.writeString(s.out().resolve("speed.md"), markdown);
        SpeedPlot.write(encoder.isMeasured() ? encoder.value() : List.of(), s.model(), s.out().resolve("speed.png"));
        System.out.println();
        System.out.println(markdown);
        progress("done: " + s.out().resolve("speed.md"));
    }

    private static StepResult<List<EncoderRow>> encoder(SpeedSettings s) {
        EncoderStep.Setup setup = new EncoderStep.Setup(s.modelDir(), s.model(), s.corpus(), s.lengths(), s.window(), s.threads(), s.warmup(), s.runs(),
            s.opsLibrary(), new RunCaps(s.maxDenseGb(), s.maxRunSeconds(), 0), s.precisions(), s.interleave());
        for (Path file : List.of(setup.onnx(), setup.tokenizer(), s.corpus())) {
            if (Files.isRegularFile(file) == false) {
                return StepResult.unavailable("no " + file + " (mvn test-compile unpacks the models; --corpus names the corpus)");
            }
        }
        return attempt(() -> EncoderStep.run(setup));
    }

    /** A step that throws is reported as failed with its message; the steps after it still run. */
    private static <T> StepResult<T> attempt(Callable<T> step) {
        try {
            return StepResult.measured(step.call());
        } catch (Exception | OutOfMemoryError e) {
            progress("step failed: " + e);
            return StepResult.failed(e);
        }
    }

    private static void reportUnmeasured(String what, StepResult<?> result) {
        if (result.isMeasured() == false) {
            progress(what + ": " + result.describe());
        }
    }

    private static String step(int number, String what) {
        return "step " + number + "/" + STEPS + ": " + what;
    }
}
