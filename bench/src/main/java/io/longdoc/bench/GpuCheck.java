package io.longdoc.bench;

import io.longdoc.model.LoadedModel;
import io.longdoc.model.ModelRegistry;
import io.longdoc.runtime.ExecutionProviderSetting;
import io.longdoc.runtime.ExecutionProviderUnavailableException;
import io.longdoc.runtime.InferenceBudget;
import io.longdoc.runtime.OpsLibrary;
import io.longdoc.runtime.OrtRuntime;
import io.longdoc.text.TokenizedText;
import io.longdoc.text.Tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The model half of {@code bench/gpu-check.sh}: the default model on ONNX Runtime's CUDA provider against the CPU, on
 * real text cut to each length; prints one table (median ms per document on each, the speed-up, the cosine of the two
 * embeddings) and exits 1 when a cosine is under {@value #MIN_COSINE} (fp32), 2 when CUDA cannot run here ("no NVIDIA
 * GPU"). ONNX Runtime must load the GPU build: {@code -Donnxruntime.native.path=<folder of its natives>}.
 *
 * <pre>
 * GpuCheck --ops-cpu FILE --ops-cuda FILE --specs src/main/models --sources target/model-sources
 *          --corpus bench/data/sotu.jsonl.gz --work DIR [--model bge-small-en-v1.5] [--lengths 512,4096,16384] [--runs 3]
 *          [--against cuda|cpu]
 * </pre>
 */
public final class GpuCheck {

    static final double MIN_COSINE = 0.9999;

    public static void main(String[] args) throws Exception {
        new io.longdoc.EsLoggingSetup().launcherSessionOpened(null); // Elasticsearch's exceptions and the registry log
        Map<String, String> options = BenchCli.options(args);
        String modelId = options.getOrDefault("model", "bge-small-en-v1.5");
        int[] lengths = Arrays.stream(options.getOrDefault("lengths", "512,4096,16384").split(",")).mapToInt(Integer::parseInt).toArray();
        int runs = Integer.parseInt(options.getOrDefault("runs", "3"));
        Path work = Files.createDirectories(Path.of(required(options, "work")));
        Path models = modelFolder(modelId, Path.of(required(options, "specs")), Path.of(required(options, "sources")), work);
        int threads = Runtime.getRuntime().availableProcessors();

        // --against cpu compares the CPU with itself: a check of this harness on a machine without GPU
        ExecutionProviderSetting against = ExecutionProviderSetting.parse(options.getOrDefault("against", "cuda"));
        OrtRuntime cpu = new OrtRuntime(threads, ExecutionProviderSetting.CPU, 0);
        OrtRuntime cuda = new OrtRuntime(threads, against, 0);
        try {
            cuda.executionProvider();
        } catch (ExecutionProviderUnavailableException e) {
            System.err.println("no NVIDIA GPU that ONNX Runtime's CUDA provider can use: " + cuda.status().provider().error());
            System.exit(2);
        }
        Path opsCpu = Path.of(required(options, "ops-cpu"));
        ModelRegistry onCpu = registry(models, modelId, cpu, work, new OpsLibrary(opsCpu));
        ModelRegistry onCuda = registry(models, modelId, cuda, work, new OpsLibrary(opsCpu, Path.of(required(options, "ops-cuda"))));
        LoadedModel cpuModel = onCpu.load(modelId);
        LoadedModel cudaModel = onCuda.load(modelId);
        BenchCli.progress("model " + modelId + ": attention on cpu " + cpuModel.attentionKernel().name() + ", on cuda "
            + cudaModel.attentionKernel().name() + (cudaModel.attentionKernel().fallbackReason() == null ? "" : " (" + cudaModel.attentionKernel().fallbackReason() + ")"));

        List<String> rows = new ArrayList<>();
        boolean allClose = true;
        try (Tokenizer tokenizer = Tokenizer.load(models.resolve(modelId).resolve("tokenizer.json"))) {
            for (int length : lengths) {
                String text = LongDocuments.cut(tokenizer, Path.of(required(options, "corpus")), 1, length).get(0).text();
                TokenizedText tokens = cpuModel.tokenize(text);
                BenchCli.progress(tokens.length() + " tokens: encoding on cpu and cuda");
                float[] onCpuVector = cpuModel.encode(tokens).embedding();
                float[] onCudaVector = cudaModel.encode(tokens).embedding(); // also the warm-up of each
                double cosine = BatchingBench.cosine(onCpuVector, onCudaVector);
                allClose &= cosine >= MIN_COSINE;
                double cpuMs = medianMs(cpuModel, tokens, runs);
                double cudaMs = medianMs(cudaModel, tokens, runs);
                rows.add(String.format(Locale.ROOT, "| %6d | %10.1f | %10.1f | %8.1fx | %.6f | %s |", tokens.length(), cpuMs, cudaMs, cpuMs / cudaMs, cosine,
                    cosine >= MIN_COSINE ? "ok" : "FAIL"));
            }
        }
        System.out.println("| tokens | cpu ms/doc | " + against + " ms/doc | speed-up | cosine   | ≥ " + MIN_COSINE + " |");
        System.out.println("|-------:|-----------:|------------:|---------:|---------:|---------|");
        rows.forEach(System.out::println);
        System.out.println("cpu: " + threads + " threads; runs per length: " + runs + " (median), after one warm-up");
        cpuModel.close();
        cudaModel.close();
        System.exit(allClose ? 0 : 1);
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static ModelRegistry registry(Path models, String modelId, OrtRuntime runtime, Path work, OpsLibrary ops) {
        return new ModelRegistry(models, work.resolve("no-operator-models"), modelId, runtime, work.resolve("compiled"), ops, InferenceBudget.UNLIMITED);
    }

    /** The bundled model's folder as the plugin zip lays it out: its spec, and the files of the Maven artifact. */
    private static Path modelFolder(String modelId, Path specs, Path sources, Path work) throws Exception {
        Path folder = Files.createDirectories(work.resolve("models").resolve(modelId));
        Files.copy(specs.resolve(modelId).resolve("model.json"), folder.resolve("model.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(sources.resolve(modelId).resolve(modelId + ".onnx"), folder.resolve("model.onnx"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(sources.resolve(modelId).resolve(modelId + "-tokenizer.json"), folder.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        return folder.getParent();
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
