package io.longdoc.summary;

import ai.onnxruntime.OrtException;

import io.longdoc.graph.GraphOptions;
import io.longdoc.graph.Precision;
import io.longdoc.graph.importer.LedCheckpointImporter;
import io.longdoc.graph.importer.LedConfig;
import io.longdoc.model.AttentionKernel;
import io.longdoc.model.CompiledModelCache;
import io.longdoc.model.ModelId;
import io.longdoc.model.ModelRegistry;
import io.longdoc.runtime.InferenceBudget;
import io.longdoc.runtime.OpsLibrary;
import io.longdoc.runtime.OrtRuntime;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.core.Releasable;
import org.elasticsearch.rest.RestStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The LED summary models of this node: folders under {@code config/longdoc/models/<id>/} whose {@code config.json}
 * says model_type led, each loaded once (on first use or by {@code POST _longdoc/models/<id>/_load}) with its three
 * graphs kept in the compiled-graph cache of the embedding models (so a restart opens them without reading the
 * weights), how each runs its encoder's attention, its stats, and the inference memory its documents reserve.
 */
public final class SummaryModels implements AutoCloseable {

    private static final Logger logger = LogManager.getLogger(SummaryModels.class);

    /** Bump when the LED graphs change for the same checkpoint (on top of the cache's own graph format). */
    static final String LED_GRAPH_FORMAT = "led-graph-1";

    private final Path operatorModels;
    private final OrtRuntime runtime;
    private final OpsLibrary opsLibrary;
    private final InferenceBudget budget;
    private final CompiledModelCache compiled;
    private final Map<String, LedSummaryModel> loaded = new ConcurrentHashMap<>();
    private final Map<String, AttentionKernel> kernels = new ConcurrentHashMap<>();
    private final Map<String, SummaryStats> stats = new ConcurrentHashMap<>();
    private final Set<String> loading = ConcurrentHashMap.newKeySet();
    private final Map<String, String> failures = new ConcurrentHashMap<>();

    /**
     * What {@code GET _longdoc/models} shows of one summary model: its config (or why it is unreadable), load state,
     * kernel, stats.
     */
    public record View(LedConfig config, String error, ModelRegistry.LoadStatus status, Optional<AttentionKernel> kernel, SummaryStats stats) {}

    /**
     * @param opsLibrary     the fused kernels for the encoder when they register (null: standard ops)
     * @param compiledModels the compiled-graph cache's folder under the node's data path
     */
    public SummaryModels(Path operatorModels, OrtRuntime runtime, OpsLibrary opsLibrary, InferenceBudget budget, Path compiledModels) {
        this.operatorModels = operatorModels;
        this.runtime = runtime;
        this.opsLibrary = opsLibrary;
        this.budget = budget;
        this.compiled = new CompiledModelCache(compiledModels);
    }

    public SummaryStats stats(String id) {
        return stats.computeIfAbsent(id, k -> new SummaryStats());
    }

    /** How a loaded model's encoder runs attention; empty when it is not loaded. */
    public Optional<AttentionKernel> attentionKernel(String id) {
        return Optional.ofNullable(kernels.get(id));
    }

    public View view(String id) {
        LedConfig config = null;
        String error = null;
        try {
            config = LedConfig.read(folder(id));
        } catch (IOException | RuntimeException e) {
            error = String.valueOf(e.getMessage());
        }
        return new View(config, error, loadStatus(id, error), attentionKernel(id), stats(id));
    }

    /**
     * Loaded, loading, failed (its last load, or a config.json that cannot be read) or not loaded: the same states as an
     * encoder's ({@link ModelRegistry#loadStatus}).
     */
    private ModelRegistry.LoadStatus loadStatus(String id, String configError) {
        if (loaded.containsKey(id)) {
            return new ModelRegistry.LoadStatus(ModelRegistry.LoadState.LOADED, null);
        }
        if (loading.contains(id)) {
            return new ModelRegistry.LoadStatus(ModelRegistry.LoadState.LOADING, null);
        }
        String failure = configError != null ? configError : failures.get(id);
        return failure == null
            ? new ModelRegistry.LoadStatus(ModelRegistry.LoadState.NOT_LOADED, null)
            : new ModelRegistry.LoadStatus(ModelRegistry.LoadState.FAILED, failure);
    }

    /**
     * Checks, when a pipeline is created, that {@code id} names a usable LED folder: 404 when absent, 400 when its
     * config.json is not an LED's, when its weights or tokenizer.json are missing, or when the tokenizer's ids do not
     * fit vocab_size. The weights themselves are read when the first document loads the model.
     */
    public void check(String id) {
        Path folder = folder(id);
        LedConfig config;
        try {
            config = LedConfig.read(folder);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("summary model [" + id + "] is not an LED checkpoint: " + e.getMessage(), e);
        }
        if (Files.isRegularFile(folder.resolve("model.safetensors")) == false && Files.isRegularFile(folder.resolve("model.safetensors.index.json")) == false) {
            throw new IllegalArgumentException("summary model [" + id + "] has neither model.safetensors nor model.safetensors.index.json");
        }
        Path tokenizer = folder.resolve(LedSummaryModel.TOKENIZER);
        if (Files.isRegularFile(tokenizer) == false) {
            throw new IllegalArgumentException("summary model [" + id + "] has no " + LedSummaryModel.TOKENIZER);
        }
        try {
            LedSummaryModel.checkVocabulary(tokenizer, config.vocabSize());
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("summary model [" + id + "]: " + e.getMessage(), e);
        }
    }

    /**
     * The model, loaded on first use; a folder that cannot be loaded is an IllegalArgumentException (400) naming it,
     * a compiled graph the node's disk cannot store a 500.
     */
    public LedSummaryModel load(String id) {
        LedSummaryModel model = loaded.get(id);
        if (model != null) {
            return model;
        }
        synchronized (this) {
            model = loaded.get(id);
            if (model == null) {
                loading.add(id);
                try {
                    model = open(id);
                    failures.remove(id);
                } catch (RuntimeException e) {
                    failures.put(id, String.valueOf(e.getMessage()));
                    throw e;
                } finally {
                    loading.remove(id);
                }
            }
            return model;
        }
    }

    /** Opens the model's graphs (fused encoder, or standard ops with the reason) and keeps it; under the load lock. */
    private LedSummaryModel open(String id) {
        Path folder = folder(id);
        long start = System.nanoTime();
        Opened opened;
        try {
            LedModel.GraphSessions sessions = sessions(id, folder);
            opened = openWithFallback(fused -> LedSummaryModel.load(folder, new GraphOptions(fused), sessions), fusedUnavailableReason());
        } catch (CompiledModelCache.StoreException e) {
            throw new ElasticsearchStatusException("summary model [" + id + "] could not be loaded: " + e.getMessage(), RestStatus.INTERNAL_SERVER_ERROR);
        } catch (IOException | OrtException | RuntimeException e) {
            logger.warn(() -> "summary model [" + id + "] could not be loaded", e);
            throw new IllegalArgumentException("summary model [" + id + "] could not be loaded: " + withoutPaths(e.getMessage(), folder, id));
        }
        AttentionKernel kernel = opened.kernel();
        if (kernel.fallbackReason() != null) {
            kernel = AttentionKernel.standard(withoutPaths(kernel.fallbackReason(), folder, id));
            logger.warn("summary model [{}] runs its encoder's attention with standard ONNX ops instead of the fused kernel: {}", id, kernel.fallbackReason());
        }
        LedSummaryModel model = opened.model();
        kernels.put(id, kernel);
        loaded.put(id, model);
        logger.info("loaded summary model [{}] in {} ms on thread [{}]", id, (System.nanoTime() - start) / 1_000_000, Thread.currentThread().getName());
        return model;
    }

    /** A loaded model and how its encoder runs attention. */
    record Opened(LedSummaryModel model, AttentionKernel kernel) {}

    /** Loads a model with the fused encoder graph or the standard-ops one. */
    @FunctionalInterface
    interface Opener {
        LedSummaryModel open(boolean fused) throws IOException, OrtException;
    }

    /**
     * As the embedding models fall back (ModelLoader): the fused encoder when the ops library can run it
     * ({@code unavailableReason} null), else — or when the fused graph cannot be built or opened — standard ops, with
     * the reason. A graph the node's disk cannot store is not retried: the standard graph would fail the same way.
     */
    static Opened openWithFallback(Opener opener, String unavailableReason) throws IOException, OrtException {
        String fallback = unavailableReason;
        if (fallback == null) {
            try {
                return new Opened(opener.open(true), AttentionKernel.FUSED);
            } catch (OrtException | RuntimeException e) {
                fallback = "the fused graph could not be built or opened: " + e.getMessage();
            }
        }
        return new Opened(opener.open(false), AttentionKernel.standard(fallback));
    }

    /**
     * Why the encoder cannot use the fused kernel on this node, or null when it can: no library, one that does not
     * register for the execution provider, or (on CUDA) a kernel that would not run on the GPU.
     */
    private String fusedUnavailableReason() {
        if (opsLibrary == null) {
            return "this node has no longdoc ops library";
        }
        return opsLibrary.unavailableReason(runtime.executionProvider())
            .or(() -> runtime.fusedOpPlacement(opsLibrary, Precision.FP32))
            .orElse(null);
    }

    /** Native messages quote absolute paths: the user sees the model's location instead. */
    private static String withoutPaths(String message, Path folder, String id) {
        return String.valueOf(message).replace(folder.toAbsolutePath().toString(), "config:" + id);
    }

    /** Each graph part through the compiled-graph cache, keyed by the checkpoint's files, then opened from there. */
    private LedModel.GraphSessions sessions(String id, Path folder) throws IOException {
        List<Path> weightFiles = LedCheckpointImporter.weightFiles(folder);
        return (part, graph, needsOpsLibrary) -> {
            String variant = part.equals(LedModel.ENCODER) && needsOpsLibrary ? "fused" : "standard";
            Path file = compiled.getOrCompile(id + "+" + part, LED_GRAPH_FORMAT + ":" + part, variant, weightFiles, graph);
            return runtime.openSession(file, needsOpsLibrary ? opsLibrary : null);
        };
    }

    /**
     * Reserves a document's inference memory: the encoder's pass (as MemoryEstimate counts a sliding window in
     * standard ops: 16 vectors of width d per token and 3w + 1 scores per head, 10 bytes each), the decoder's caches
     * and each beam's logits.
     */
    public Releasable reserve(LedSummaryModel model, int tokens, GenerationConfig generation, String what) {
        LedConfig config = model.config();
        long d = config.dModel();
        long window = Arrays.stream(config.attentionWindow()).max().orElse(0) / 2; // one-sided
        long encoder = 10L * tokens * (16L * d + config.encoderHeads() * (3L * window + 1));
        long decoder = AbstractiveSummarizer.cacheBytes(model.decoderConfig(), tokens, generation)
            + 10L * generation.numBeams() * config.vocabSize();
        return budget.reserve(encoder + decoder, what);
    }

    private Path folder(String id) {
        ModelId.validate(id);
        Path folder = operatorModels.resolve(id);
        if (folder.normalize().startsWith(operatorModels.normalize()) == false || Files.isDirectory(folder) == false) {
            throw new ResourceNotFoundException("unknown summary model [" + id + "]: no folder config/longdoc/models/" + id);
        }
        return folder;
    }

    @Override
    public void close() {
        loaded.values().forEach(LedSummaryModel::close);
        loaded.clear();
        kernels.clear();
    }
}
