package io.longdoc.bench;

import io.longdoc.TestVectors;
import io.longdoc.graph.Precision;
import io.longdoc.model.AttentionKernel;
import io.longdoc.model.LoadedModel;
import io.longdoc.model.ModelPlacement;
import io.longdoc.model.ModelRegistry;
import io.longdoc.runtime.ExecutionProviderSetting;
import io.longdoc.runtime.ExecutionProviderUnavailableException;
import io.longdoc.runtime.InferenceBudget;
import io.longdoc.runtime.OpsLibrary;
import io.longdoc.runtime.OrtRuntime;
import io.longdoc.text.TokenizedText;
import io.longdoc.text.Tokenizer;

import org.elasticsearch.common.Strings;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.xcontent.XContentFactory;
import org.elasticsearch.xcontent.XContentType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The model half of {@code bench/gpu-check.sh}: the default model on ONNX Runtime's CUDA provider against the CPU, on
 * real text cut to each length, in four variants — standard ops or the fused kernel, fp32 or fp16. Prints one table
 * (ms per document, tokens/s, TFLOP/s and the share of the GPU's peak, and each variant's embedding against the CPU's
 * fp32 one) and the fused ÷ standard speed-ups; exits 1 when a check fails, 2 when CUDA cannot run here ("no NVIDIA
 * GPU"). The checks: fp32 embeddings' cosine ≥ {@value #MIN_COSINE}; fp16 embeddings (unit vectors) within
 * {@value #FP16_MAX_DIFF} of the CPU's in every component; on CUDA every variant runs there in the precision asked,
 * and the fused ones with {@code longdoc.SparseAttention} on CUDA (the placement check at load). ONNX Runtime must
 * load the GPU build: {@code -Donnxruntime.native.path=<folder of its natives>}.
 *
 * <pre>
 * GpuCheck --ops-cpu FILE --ops-cuda FILE --specs src/main/models --sources target/model-sources
 *          --corpus bench/data/sotu.jsonl.gz --work DIR [--model bge-small-en-v1.5] [--lengths 512,4096,16384] [--runs 3]
 *          [--peak-fp16-tflops 989] [--peak-fp32-tflops 67] [--against cuda|auto]
 * </pre>
 * {@code --against auto} on a machine without GPU runs the device side on the CPU (fp16 variants then run in fp32, as
 * their placement says): a check of this harness, not of the GPU.
 */
public final class GpuCheck {

    static final double MIN_COSINE = 0.9999;
    static final double FP16_MAX_DIFF = 5e-3;

    /** What is timed on the device: the attention kernel and the precision. */
    enum Variant {
        STANDARD_FP32(false, Precision.FP32),
        FUSED_FP32(true, Precision.FP32),
        STANDARD_FP16(false, Precision.FP16),
        FUSED_FP16(true, Precision.FP16);

        final boolean fused;
        final Precision precision;

        Variant(boolean fused, Precision precision) {
            this.fused = fused;
            this.precision = precision;
        }

        String label() {
            return (fused ? "fused" : "standard") + " " + precision;
        }

        String modelId(String base) {
            return base + "-" + (fused ? "fused" : "standard") + "-" + precision;
        }
    }

    public static void main(String[] args) throws Exception {
        io.longdoc.EsLogging.install(); // Elasticsearch's exceptions and the registry log
        Map<String, String> options = BenchCli.options(args);
        String modelId = options.getOrDefault("model", "bge-small-en-v1.5");
        int[] lengths = Arrays.stream(options.getOrDefault("lengths", "512,4096,16384").split(",")).mapToInt(Integer::parseInt).toArray();
        int runs = Integer.parseInt(options.getOrDefault("runs", "3"));
        double peakFp16 = Double.parseDouble(options.getOrDefault("peak-fp16-tflops", "0")) * 1e12;
        double peakFp32 = Double.parseDouble(options.getOrDefault("peak-fp32-tflops", "0")) * 1e12;
        Path work = Files.createDirectories(Path.of(required(options, "work")));
        Path models = modelFolders(modelId, Path.of(required(options, "specs")), Path.of(required(options, "sources")), work);
        int threads = Runtime.getRuntime().availableProcessors();

        ExecutionProviderSetting against = ExecutionProviderSetting.parse(options.getOrDefault("against", "cuda"));
        OrtRuntime cpu = new OrtRuntime(threads, ExecutionProviderSetting.CPU, 0);
        OrtRuntime device = new OrtRuntime(threads, against, 0);
        try {
            device.executionProvider();
        } catch (ExecutionProviderUnavailableException e) {
            System.err.println("no NVIDIA GPU that ONNX Runtime's CUDA provider can use: " + device.status().provider().error());
            System.exit(2);
        }
        boolean onCuda = device.executionProvider() == io.longdoc.runtime.ExecutionProvider.CUDA;
        Path opsCpu = Path.of(required(options, "ops-cpu"));
        ModelRegistry cpuModels = registry(models, modelId, cpu, work.resolve("compiled-cpu"), new OpsLibrary(opsCpu));
        ModelRegistry deviceModels = registry(models, modelId, device, work.resolve("compiled-device"), new OpsLibrary(opsCpu, Path.of(required(options, "ops-cuda"))));
        LoadedModel reference = cpuModels.load(modelId);

        List<String> failures = new ArrayList<>();
        Map<Variant, LoadedModel> variants = new LinkedHashMap<>();
        for (Variant variant : Variant.values()) {
            LoadedModel model = deviceModels.load(variant.modelId(modelId));
            variants.put(variant, model);
            ModelPlacement placement = model.placement();
            AttentionKernel kernel = model.attentionKernel();
            BenchCli.progress(variant.label() + ": " + Strings.toString(placement) + ", attention " + Strings.toString(kernel));
            if (onCuda) {
                if (placement.provider().equals("cuda") == false || placement.precision().equals(variant.precision.toString()) == false) {
                    failures.add(variant.label() + " runs on " + placement.provider() + " in " + placement.precision() + ": " + placement.fallbackReasons());
                }
                if (variant.fused && (AttentionKernel.FUSED.equals(kernel) == false || "cuda".equals(placement.fusedOp()) == false)) {
                    failures.add(variant.label() + ": the fused kernel does not run on CUDA: " + kernel.fallbackReason());
                }
            }
        }

        EncoderFlops flops = EncoderFlops.BGE_SMALL;
        List<String> rows = new ArrayList<>();
        List<String> speedUps = new ArrayList<>();
        try (Tokenizer tokenizer = Tokenizer.load(models.resolve(modelId).resolve("tokenizer.json"))) {
            for (int length : lengths) {
                String text = LongDocuments.cut(tokenizer, Path.of(required(options, "corpus")), 1, length).get(0).text();
                TokenizedText tokens = reference.tokenize(text);
                int n = tokens.length();
                BenchCli.progress(n + " tokens: cpu and " + variants.size() + " device variants");
                float[] expected = reference.encode(tokens).embedding(); // also the CPU's warm-up
                double cpuMs = medianMs(reference, tokens, runs);
                rows.add(row(n, "cpu fused fp32 (reference)", cpuMs, flops.perDocument(n), 0, 1, 0, "ref"));
                Map<Variant, Double> ms = new LinkedHashMap<>();
                for (Map.Entry<Variant, LoadedModel> entry : variants.entrySet()) {
                    Variant variant = entry.getKey();
                    float[] actual = entry.getValue().encode(tokens).embedding(); // also the warm-up
                    double cosine = TestVectors.cosine(expected, actual);
                    double maxDiff = maxDiff(expected, actual);
                    boolean ok = variant.precision == Precision.FP16 ? maxDiff <= FP16_MAX_DIFF : cosine >= MIN_COSINE;
                    if (ok == false) {
                        failures.add(n + " tokens, " + variant.label() + ": cosine " + cosine + ", max |Δ| " + maxDiff);
                    }
                    double median = medianMs(entry.getValue(), tokens, runs);
                    ms.put(variant, median);
                    double peak = variant.precision == Precision.FP16 ? peakFp16 : peakFp32;
                    String ran = entry.getValue().placement().precision();
                    String label = against + " " + variant.label() + (ran.equals(variant.precision.toString()) ? "" : " (ran " + ran + ")");
                    rows.add(row(n, label, median, flops.perDocument(n), peak, cosine, maxDiff, ok ? "ok" : "FAIL"));
                }
                speedUps.add(String.format(Locale.ROOT, "%d tokens: fused ÷ standard %.2fx (fp32), %.2fx (fp16); fp16 ÷ fp32 (fused) %.2fx", n,
                    ms.get(Variant.STANDARD_FP32) / ms.get(Variant.FUSED_FP32), ms.get(Variant.STANDARD_FP16) / ms.get(Variant.FUSED_FP16),
                    ms.get(Variant.FUSED_FP32) / ms.get(Variant.FUSED_FP16)));
            }
        }
        System.out.println("| tokens | variant | ms/doc | tokens/s | TFLOP/s | % of peak | cosine vs cpu | max abs diff | check |");
        System.out.println("|-------:|---------|-------:|---------:|--------:|----------:|--------------:|-------------:|-------|");
        rows.forEach(System.out::println);
        speedUps.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "FLOP per document from %s (≈ %.1f MFLOP/token at 16k); peak TFLOP/s fp16 %s, fp32 %s; checks: fp32 cosine ≥ %s, fp16 max abs diff ≤ %s%n",
            flops, flops.perToken(16384) / 1e6, peakFp16 > 0 ? String.valueOf(peakFp16 / 1e12) : "unknown", peakFp32 > 0 ? String.valueOf(peakFp32 / 1e12) : "unknown", MIN_COSINE, FP16_MAX_DIFF);
        System.out.println("cpu: " + threads + " threads; runs per length: " + runs + " (median), after one warm-up");
        failures.forEach(f -> System.out.println("FAIL: " + f));
        reference.close();
        for (LoadedModel model : variants.values()) {
            model.close();
        }
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    private static String row(int tokens, String variant, double ms, double flop, double peak, double cosine, double maxDiff, String check) {
        double flopPerSecond = flop / (ms / 1e3);
        String share = peak > 0 ? String.format(Locale.ROOT, "%.1f %%", 100 * flopPerSecond / peak) : "–";
        return String.format(Locale.ROOT, "| %6d | %s | %.1f | %,.0f | %.2f | %s | %.6f | %.2e | %s |", tokens, variant, ms, tokens / (ms / 1e3),
            flopPerSecond / 1e12, share, cosine, maxDiff, check);
    }

    private static double maxDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static ModelRegistry registry(Path models, String modelId, OrtRuntime runtime, Path compiled, OpsLibrary ops) {
        return new ModelRegistry(models, compiled.resolveSibling("no-operator-models"), modelId, runtime, compiled, ops, InferenceBudget.UNLIMITED);
    }

    /**
     * The bundled model's folder as the plugin zip lays it out (its spec, and the files of the Maven artifact), and one
     * folder per {@link Variant} whose spec differs only in {@code compile.fused} and {@code compile.precision}.
     */
    private static Path modelFolders(String modelId, Path specs, Path sources, Path work) throws Exception {
        Path root = work.resolve("models");
        String bundled = Files.readString(specs.resolve(modelId).resolve("model.json"));
        // fp32 GEMMs everywhere: the bundled quantize: auto would make the CPU reference int8 on a CPU with VNNI
        writeFolder(root, modelId, variantSpec(bundled, modelId, null), sources.resolve(modelId), modelId);
        for (Variant variant : Variant.values()) {
            writeFolder(root, variant.modelId(modelId), variantSpec(bundled, variant.modelId(modelId), variant), sources.resolve(modelId), modelId);
        }
        return root;
    }

    /** The bundled spec under {@code id} with fp32 GEMMs and, for a variant, its kernel and precision. */
    private static String variantSpec(String bundled, String id, Variant variant) throws Exception {
        Map<String, Object> map = XContentHelper.convertToMap(XContentType.JSON.xContent(), bundled, true);
        map.put("id", id);
        @SuppressWarnings("unchecked")
        Map<String, Object> compile = (Map<String, Object>) map.get("compile");
        compile.put("quantize", "none");
        if (variant != null) {
            compile.put("fused", variant.fused);
            compile.put("precision", variant.precision.toString());
        }
        return Strings.toString(XContentFactory.jsonBuilder().map(map));
    }

    /** {@code artifact}: the folder of the Maven artifact's files, named {@code <artifactId>.onnx} and {@code <artifactId>-tokenizer.json}. */
    private static void writeFolder(Path root, String id, String spec, Path artifact, String artifactId) throws Exception {
        Path folder = Files.createDirectories(root.resolve(id));
        Files.writeString(folder.resolve("model.json"), spec);
        Files.copy(artifact.resolve(artifactId + ".onnx"), folder.resolve("model.onnx"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(artifact.resolve(artifactId + "-tokenizer.json"), folder.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static double medianMs(LoadedModel model, TokenizedText tokens, int runs) throws Exception {
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            model.encode(tokens);
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return ms[runs / 2];
    }
}
