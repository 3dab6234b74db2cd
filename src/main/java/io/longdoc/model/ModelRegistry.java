package io.longdoc.model;

import io.longdoc.runtime.InferenceBudget;
import io.longdoc.runtime.OpsLibrary;
import io.longdoc.runtime.OrtRuntime;
import io.longdoc.runtime.RuntimeStatus;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.rest.RestStatus;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The models of this node: which exist ({@link ModelCatalog}), which are loaded (each once, at node start for
 * {@code longdoc.models.preload} or on first use, through {@link ModelLoader}), why a load failed, and their stats.
 */
public final class ModelRegistry implements AutoCloseable {

    private static final Logger logger = LogManager.getLogger(ModelRegistry.class);

    private final ModelCatalog catalog;
    private final ModelLoader loader;
    private final String defaultModelId;
    private final AutoInt8 autoInt8;
    private final Map<String, LoadedModel> loaded = new ConcurrentHashMap<>();
    private final Map<String, ModelStats> stats = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<LoadedModel>> loading = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();

    /**
     * @param compiledModels where graphs compiled from a spec's {@code compile} section are kept
     * @param opsLibrary     the fused kernels, used by specs that ask for them when the library registers
     * @param budget         the native memory forward passes may use at once (the node setting
     *                       longdoc.inference.memory_budget)
     */
    public ModelRegistry(
        Path bundledModels,
        Path operatorModels,
        String defaultModelId,
        OrtRuntime runtime,
        Path compiledModels,
        OpsLibrary opsLibrary,
        InferenceBudget budget
    ) {
        this(bundledModels, operatorModels, defaultModelId, runtime, compiledModels, opsLibrary, budget, AutoInt8.node());
    }

    /** @param autoInt8 what {@code compile.quantize: auto} may use on this node ({@code longdoc.auto_int8}) */
    public ModelRegistry(
        Path bundledModels,
        Path operatorModels,
        String defaultModelId,
        OrtRuntime runtime,
        Path compiledModels,
        OpsLibrary opsLibrary,
        InferenceBudget budget,
        AutoInt8 autoInt8
    ) {
        this.catalog = new ModelCatalog(bundledModels, operatorModels);
        this.loader = new ModelLoader(runtime, compiledModels, opsLibrary, budget, autoInt8);
        this.defaultModelId = ModelId.validate(defaultModelId);
        this.autoInt8 = autoInt8;
    }

    /** What {@code compile.quantize: auto} may use on this node, for the listing's precision. */
    public AutoInt8 autoInt8() {
        return autoInt8;
    }

    public String defaultModelId() {
        return defaultModelId;
    }

    /** All model folders, sorted by id. */
    public List<ModelCatalog.Entry> list() {
        return catalog.list();
    }

    /** Whether {@code id} names an LED summary model folder rather than an embedding model. */
    public boolean isSummaryModel(String id) {
        return catalog.isSummaryModel(id);
    }

    /** The valid spec of a model; 404 for an unknown id, 400 for an invalid id or an unreadable spec. */
    public ModelSpec spec(String id) {
        return catalog.entry(id).spec();
    }

    /** ONNX Runtime on this node, for {@code GET _longdoc/models}. */
    public RuntimeStatus runtimeStatus() {
        return loader.runtime().status();
    }

    public boolean isLoaded(String id) {
        return loaded.containsKey(id);
    }

    /** How a loaded model runs its attention; empty when it is not loaded. */
    public Optional<AttentionKernel> attentionKernel(String id) {
        return Optional.ofNullable(loaded.get(id)).map(LoadedModel::attentionKernel);
    }

    /** Where a loaded model runs ({@link ModelPlacement}); empty when it is not loaded. */
    public Optional<ModelPlacement> placement(String id) {
        return Optional.ofNullable(loaded.get(id)).map(LoadedModel::placement);
    }

    public ModelStats stats(String id) {
        return stats.computeIfAbsent(id, k -> new ModelStats());
    }

    /**
     * The model if this node has it loaded. Otherwise it starts loading it on {@code executor} (never the caller's
     * thread: a search thread must not spend seconds compiling a graph) and waits for that load up to {@code wait}:
     * a data node that has not loaded the model yet (in a cluster, most nodes until their first use) then answers
     * with all its shards instead of failing them, which would leave a silently partial result. Past {@code wait}
     * it fails with a 503 that says so; a retry after the load, or {@code POST _longdoc/models/<id>/_load} first,
     * succeeds. A load that fails throws what the load threw (400 for unusable files, 503 when ONNX Runtime cannot run).
     */
    public LoadedModel loadedOrLoadAsync(String id, Executor executor, TimeValue wait) {
        LoadedModel model = loaded.get(id);
        if (model != null) {
            return model;
        }
        CompletableFuture<LoadedModel> load = loadAsync(id, executor);
        try {
            return load.get(wait.millis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ElasticsearchStatusException(
                "model [" + id + "] is not loaded on this node yet and did not finish loading within [" + wait
                    + "] (longdoc.qa.model_load_wait); it goes on loading in the background: retry shortly, "
                    + "or load it on every node first with POST _longdoc/models/" + id + "/_load",
                RestStatus.SERVICE_UNAVAILABLE
            );
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new ElasticsearchStatusException("model [" + id + "] failed to load: " + e.getCause().getMessage(), RestStatus.INTERNAL_SERVER_ERROR, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ElasticsearchStatusException("interrupted while waiting for model [" + id + "] to load", RestStatus.SERVICE_UNAVAILABLE, e);
        }
    }

    /**
     * Loads the model on {@code executor}, or joins the load already under way, so that a search and the node's
     * preload never load one model twice. Throws at once (404/400) for an unknown or invalid model: that is the
     * caller's mistake, not something to wait for; a full executor's rejection (429) is thrown too.
     */
    public CompletableFuture<LoadedModel> loadAsync(String id, Executor executor) {
        LoadedModel model = loaded.get(id);
        if (model != null) {
            return CompletableFuture.completedFuture(model);
        }
        catalog.entry(id);
        CompletableFuture<LoadedModel> started = new CompletableFuture<>();
        CompletableFuture<LoadedModel> load = loading.putIfAbsent(id, started);
        if (load != null) {
            return load;
        }
        try {
            executor.execute(() -> {
                try {
                    started.complete(load(id));
                } catch (Exception e) {
                    logger.warn(() -> "loading model [" + id + "] in the background failed; it stays unloaded until a load succeeds", e);
                    started.completeExceptionally(e);
                } finally {
                    loading.remove(id, started);
                }
            });
        } catch (RuntimeException rejected) { // a full queue: the caller sees the 429
            loading.remove(id, started);
            throw rejected;
        }
        return started;
    }

    /** Whether the model is loaded, loading (or waiting for another load to finish), failed its last load, or none. */
    public LoadStatus loadStatus(String id) {
        if (loaded.containsKey(id)) {
            return new LoadStatus(LoadState.LOADED, null);
        }
        if (loading.containsKey(id)) {
            return new LoadStatus(LoadState.LOADING, null);
        }
        String failure = failures.get(id);
        return failure == null ? new LoadStatus(LoadState.NOT_LOADED, null) : new LoadStatus(LoadState.FAILED, failure);
    }

    /** The model's load state as {@code GET _longdoc/models} shows it. */
    public enum LoadState {
        NOT_LOADED,
        LOADING,
        LOADED,
        FAILED;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A load state, with the reason of the last failed load when it is {@link LoadState#FAILED}. */
    public record LoadStatus(LoadState state, String failureReason) {}

    /** The model, loaded on first use. Throws {@link ModelLoadException} (400) when its files are unusable. */
    public LoadedModel load(String id) {
        LoadedModel model = loaded.get(id);
        if (model != null) {
            return model;
        }
        synchronized (this) { // loads are rare and slow; one at a time keeps memory predictable
            model = loaded.get(id);
            if (model == null) {
                ModelCatalog.Entry entry = catalog.entry(id);
                long start = System.nanoTime();
                try {
                    model = loader.load(entry, stats(id));
                } catch (RuntimeException e) { // kept for GET _longdoc/models; only ids of the catalog get here, so it stays small
                    failures.put(id, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                    throw e;
                }
                failures.remove(id);
                loaded.put(id, model);
                // the thread is named so that a load on a search or transport thread shows in the log (it must not happen)
                logger.info("loaded model [{}] from the {} folder ({} dims, max {} tokens, {} pooling) in {} ms on thread [{}]", id, entry.location(),
                    entry.spec().dims(), entry.spec().maxTokens(), entry.spec().pooling(), (System.nanoTime() - start) / 1_000_000,
                    Thread.currentThread().getName());
            }
            return model;
        }
    }

    @Override
    public void close() {
        for (LoadedModel model : loaded.values()) {
            try {
                model.close();
            } catch (Exception e) {
                logger.warn("failed to close a model", e);
            }
        }
        loaded.clear();
    }
}
