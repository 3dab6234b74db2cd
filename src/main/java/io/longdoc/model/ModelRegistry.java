package io.longdoc.model;

import io.longdoc.runtime.Encoder;
import io.longdoc.runtime.InferenceBudget;
import io.longdoc.runtime.OpsLibrary;
import io.longdoc.runtime.OrtRuntime;
import io.longdoc.runtime.OrtUnavailableException;
import io.longdoc.runtime.RuntimeStatus;
import io.longdoc.text.Tokenizer;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.rest.RestStatus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds models in two folders — the ones bundled in the plugin directory and the operators' own under
 * {@code config/longdoc/models/} — and loads each once, on first use. A bundled id wins over an operator folder
 * of the same name, so an installed plugin always has its defaults.
 */
public final class ModelRegistry implements AutoCloseable {

    private static final Logger logger = LogManager.getLogger(ModelRegistry.class);

    /** Where a model folder lives; shown to users instead of a filesystem path. */
    public enum Location {
        PLUGIN,
        CONFIG;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A model folder: its spec, or why its spec could not be read. */
    public record Entry(String id, Location location, Path folder, ModelSpec spec, String error) {}

    private final Path bundledModels;
    private final Path operatorModels;
    private final String defaultModelId;
    private final OrtRuntime runtime;
    private final CompiledModelCache compiledModels;
    private final OpsLibrary opsLibrary;
    private final InferenceBudget budget;
    private final Map<String, LoadedModel> loaded = new ConcurrentHashMap<>();
    private final Map<String, ModelStats> stats = new ConcurrentHashMap<>();
    private final java.util.Set<String> loading = ConcurrentHashMap.newKeySet();

    /**
     * @param compiledModels where graphs compiled from a spec's {@code compile} section are kept
     * @param opsLibrary     the fused kernels, used by specs that ask for them when the library registers
     */
    public ModelRegistry(
        Path bundledModels,
        Path operatorModels,
        String defaultModelId,
        OrtRuntime runtime,
        Path compiledModels,
        OpsLibrary opsLibrary
    ) {
        this(bundledModels, operatorModels, defaultModelId, runtime, compiledModels, opsLibrary, InferenceBudget.UNLIMITED);
    }

    /** @param budget the native memory forward passes may use at once (the node setting longdoc.inference.memory_budget) */
    public ModelRegistry(
        Path bundledModels,
        Path operatorModels,
        String defaultModelId,
        OrtRuntime runtime,
        Path compiledModels,
        OpsLibrary opsLibrary,
        InferenceBudget budget
    ) {
        this.budget = budget;
        this.bundledModels = bundledModels;
        this.operatorModels = operatorModels;
        this.defaultModelId = ModelId.validate(defaultModelId);
        this.runtime = runtime;
        this.compiledModels = new CompiledModelCache(compiledModels);
        this.opsLibrary = opsLibrary;
    }

    public String defaultModelId() {
        return defaultModelId;
    }

    /** All model folders, sorted by id. */
    public List<Entry> list() {
        Map<String, Entry> byId = new java.util.TreeMap<>();
        scan(operatorModels, Location.CONFIG, byId);
        scan(bundledModels, Location.PLUGIN, byId);
        return new ArrayList<>(byId.values());
    }

    /** The valid spec of a model; 404 for an unknown id, 400 for an invalid id or an unreadable spec. */
    public ModelSpec spec(String id) {
        return entry(id).spec();
    }

    /** ONNX Runtime on this node, for {@code GET _longdoc/models}. */
    public RuntimeStatus runtimeStatus() {
        return runtime.status();
    }

    public boolean isLoaded(String id) {
        return loaded.containsKey(id);
    }

    /** How a loaded model runs its attention; empty when it is not loaded. */
    public Optional<AttentionKernel> attentionKernel(String id) {
        return Optional.ofNullable(loaded.get(id)).map(LoadedModel::attentionKernel);
    }

    public ModelStats stats(String id) {
        return stats.computeIfAbsent(id, k -> new ModelStats());
    }

    /**
     * The model if this node has it loaded. Otherwise it starts loading it on {@code executor} (never the caller's
     * thread: a search thread must not spend seconds compiling a graph) and fails fast with a 503 that says so; a
     * retry after the load, or {@code POST _longdoc/models/<id>/_load} first, succeeds.
     */
    public LoadedModel loadedOrLoadAsync(String id, java.util.concurrent.Executor executor) {
        LoadedModel model = loaded.get(id);
        if (model != null) {
            return model;
        }
        entry(id); // an unknown or invalid model is the request's mistake (404/400), not a reason to wait
        if (loading.add(id)) {
            try {
                executor.execute(() -> {
                    try {
                        load(id);
                    } catch (Exception e) {
                        logger.warn(() -> "loading model [" + id + "] in the background failed", e);
                    } finally {
                        loading.remove(id);
                    }
                });
            } catch (RuntimeException rejected) {
                loading.remove(id);
                throw rejected;
            }
        }
        throw new org.elasticsearch.ElasticsearchStatusException(
            "model [" + id + "] is not loaded on this node yet; it is loading now on the longdoc_inference pool: retry shortly, "
                + "or load it on every node first with POST _longdoc/models/" + id + "/_load",
            RestStatus.SERVICE_UNAVAILABLE
        );
    }

    /** The model, loaded on first use. Throws {@link ModelLoadException} (400) when its files are unusable. */
    public LoadedModel load(String id) {
        LoadedModel model = loaded.get(id);
        if (model != null) {
            return model;
        }
        synchronized (this) { // loads are rare and slow; one at a time keeps memory predictable
            model = loaded.get(id);
            if (model == null) {
                Entry entry = entry(id);
                long start = System.nanoTime();
                model = open(entry);
                loaded.put(id, model);
                // the thread is named so that a load on a search or transport thread shows in the log (it must not happen)
                logger.info("loaded model [{}] from the {} folder ({} dims, max {} tokens, {} pooling) in {} ms on thread [{}]", id, entry.location(),
                    entry.spec().dims(), entry.spec().maxTokens(), entry.spec().pooling(), (System.nanoTime() - start) / 1_000_000,
                    Thread.currentThread().getName());
            }
            return model;
        }
    }

    private Entry entry(String id) {
        ModelId.validate(id);
        Optional<Entry> entry = find(bundledModels, Location.PLUGIN, id).or(() -> find(operatorModels, Location.CONFIG, id));
        if (entry.isEmpty()) {
            throw new ResourceNotFoundException("unknown model [" + id + "]; available models: " + list().stream().map(Entry::id).toList());
        }
        if (entry.get().error() != null) {
            throw new IllegalArgumentException("model [" + id + "] has an invalid " + ModelSpec.FILE_NAME + ": " + entry.get().error());
        }
        return entry.get();
    }

    private LoadedModel open(Entry entry) {
        ModelSpec spec = entry.spec();
        Path modelFile = entry.folder().resolve(spec.modelFile());
        Path tokenizerFile = entry.folder().resolve(spec.tokenizerFile());
        List<Path> required = spec.compile() == null
            ? List.of(modelFile, tokenizerFile)
            : java.util.stream.Stream.concat(GraphCompilation.weightFiles(spec, entry.folder()).stream(), java.util.stream.Stream.of(tokenizerFile)).toList();
        for (Path file : required) {
            if (Files.isRegularFile(file) == false) {
                throw new ModelLoadException(spec.id(), "file [" + file.getFileName() + "] named in its spec is missing", null);
            }
        }
        Tokenizer tokenizer;
        try {
            tokenizer = Tokenizer.load(tokenizerFile);
        } catch (Exception | LinkageError | AssertionError e) {
            // Linkage and assertion errors come from a native library that failed to load: a request error, not a
            // reason to take the node down (Elasticsearch exits on any Error that escapes a thread).
            throw loadFailure(entry, "tokenizer [" + tokenizerFile.getFileName() + "] is unreadable: ", e);
        }
        try {
            if (spec.compile() == null) {
                Encoder encoder = new Encoder(runtime.environment(), runtime.openSession(modelFile), spec.dims());
                return loaded(spec, tokenizer, encoder, AttentionKernel.AS_EXPORTED);
            }
            return openCompiled(entry, tokenizer);
        } catch (ModelLoadException | OrtUnavailableException e) {
            tokenizer.close();
            throw e;
        } catch (Exception | LinkageError e) {
            tokenizer.close();
            throw loadFailure(entry, "[" + modelFile.getFileName() + "] is not a usable ONNX encoder: ", e);
        }
    }

    /**
     * Compiles (or finds in the cache) the model's graph and opens it: with the fused onnx-ops kernel when the spec
     * asks for it and the library registers, otherwise with standard ops — the fallback is logged once per load and
     * shown in the model's stats.
     */
    private LoadedModel openCompiled(Entry entry, Tokenizer tokenizer) throws Exception {
        ModelSpec spec = entry.spec();
        String fallback = null;
        if (spec.compile().fused()) {
            runtime.environment(); // the library check registers it, which needs the runtime loaded
            fallback = opsLibrary.unavailableReason().orElse(null);
            if (fallback == null) {
                try {
                    Path graph = compiled(entry, true);
                    Encoder encoder = new Encoder(runtime.environment(), runtime.openSession(graph, opsLibrary), spec.dims());
                    return loaded(spec, tokenizer, encoder, AttentionKernel.FUSED);
                } catch (ModelLoadException | ai.onnxruntime.OrtException e) {
                    if (e instanceof ModelLoadException m && m.status() != RestStatus.BAD_REQUEST) {
                        throw m; // the node's fault (its disk): the standard graph would fail the same way
                    }
                    fallback = "the fused graph could not be built or opened: " + withoutPaths(e.getMessage(), entry);
                }
            }
            logger.warn("model [{}] runs its attention with standard ONNX ops instead of the fused kernel: {}", spec.id(), fallback);
        }
        Path graph = compiled(entry, false);
        Encoder encoder = new Encoder(runtime.environment(), runtime.openSession(graph), spec.dims());
        return loaded(spec, tokenizer, encoder, AttentionKernel.standard(fallback));
    }

    private LoadedModel loaded(ModelSpec spec, Tokenizer tokenizer, Encoder encoder, AttentionKernel kernel) {
        return new LoadedModel(spec, tokenizer, encoder, stats(spec.id()), kernel, budget);
    }

    private Path compiled(Entry entry, boolean fused) {
        ModelSpec spec = entry.spec();
        try {
            return compiledModels.getOrCompile(
                spec,
                fused ? "fused" : "standard",
                GraphCompilation.weightFiles(spec, entry.folder()),
                () -> GraphCompilation.compile(spec, entry.folder(), fused)
            );
        } catch (CompiledModelCache.StoreException e) {
            logger.warn(() -> "model [" + entry.id() + "] could not be loaded", e);
            throw new ModelLoadException(entry.id(), e.getMessage(), RestStatus.INTERNAL_SERVER_ERROR, null);
        } catch (Exception | OutOfMemoryError e) {
            throw loadFailure(entry, "its weights could not be compiled into a graph: ", e);
        }
    }

    /**
     * The native libraries' messages quote absolute paths: the node log keeps the full cause, the user sees the
     * model's location instead, and no cause (whose message would carry the path) travels with the response.
     */
    private static ModelLoadException loadFailure(Entry entry, String problem, Throwable cause) {
        logger.warn(() -> "model [" + entry.id() + "] could not be loaded", cause);
        return new ModelLoadException(entry.id(), problem + withoutPaths(cause.getMessage(), entry), null);
    }

    private static String withoutPaths(String message, Entry entry) {
        if (message == null) {
            return "unknown error";
        }
        return message.replace(entry.folder().toAbsolutePath().toString(), entry.location() + ":" + entry.id());
    }

    private static Optional<Entry> find(Path root, Location location, String id) {
        Path folder = root.resolve(id);
        // The id is validated, but check containment anyway: a path must never escape the models folder.
        if (folder.normalize().startsWith(root.normalize()) == false || Files.isDirectory(folder) == false) {
            return Optional.empty();
        }
        return Optional.of(read(folder, location));
    }

    private static void scan(Path root, Location location, Map<String, Entry> into) {
        if (Files.isDirectory(root) == false) {
            return;
        }
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path folder : folders) {
                String name = folder.getFileName().toString();
                try {
                    ModelId.validate(name);
                } catch (IllegalArgumentException e) {
                    logger.warn("ignoring model folder [{}] in the {} models: {}", name, location, e.getMessage());
                    continue;
                }
                into.put(name, read(folder, location));
            }
        } catch (IOException e) {
            logger.warn("cannot list the {} models", location, e);
        }
    }

    private static Entry read(Path folder, Location location) {
        String id = folder.getFileName().toString();
        Path specFile = folder.resolve(ModelSpec.FILE_NAME);
        try (InputStream in = Files.newInputStream(specFile)) {
            return new Entry(id, location, folder, ModelSpec.parse(in, id), null);
        } catch (java.nio.file.NoSuchFileException e) {
            return new Entry(id, location, folder, null, "no " + ModelSpec.FILE_NAME + " in the model folder");
        } catch (Exception e) {
            return new Entry(id, location, folder, null, e.getMessage());
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
