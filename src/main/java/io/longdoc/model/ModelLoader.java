package io.longdoc.model;

import io.longdoc.graph.GemmPrecision;
import io.longdoc.graph.Precision;
import io.longdoc.runtime.Encoder;
import io.longdoc.runtime.ExecutionProvider;
import io.longdoc.runtime.ExecutionProviderUnavailableException;
import io.longdoc.runtime.InferenceBudget;
import io.longdoc.runtime.OpsLibrary;
import io.longdoc.runtime.OrtRuntime;
import io.longdoc.runtime.OrtUnavailableException;
import io.longdoc.runtime.PassAdmission;
import io.longdoc.runtime.ProviderSelection;
import io.longdoc.text.Tokenizer;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.rest.RestStatus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns a model folder into a running model: checks its files, loads the tokenizer, compiles the graph (or finds it in
 * the cache) in the session's precision ({@link SessionPrecision}) and opens it with the fused kernel — on CUDA only
 * once the kernel is known to run there ({@link OrtRuntime#fusedOpPlacement}) — falling back to standard ops with the
 * reason. Where it runs is reported per model ({@link ModelPlacement}). Every failure becomes
 * a {@link ModelLoadException} (400, or 500 when the node's disk is at fault) whose message quotes no absolute path.
 */
final class ModelLoader {

    private static final Logger logger = LogManager.getLogger(ModelLoader.class);

    private final OrtRuntime runtime;
    private final CompiledModelCache compiledModels;
    private final OpsLibrary opsLibrary;
    private final InferenceBudget budget;
    private final AutoInt8 autoInt8;

    /**
     * @param compiledModels where graphs compiled from a spec's {@code compile} section are kept
     * @param opsLibrary     the fused kernels, used by specs that ask for them when the library registers
     * @param budget         the native memory forward passes may use at once
     * @param autoInt8       what {@code compile.quantize: auto} may use here
     */
    ModelLoader(OrtRuntime runtime, Path compiledModels, OpsLibrary opsLibrary, InferenceBudget budget, AutoInt8 autoInt8) {
        this.runtime = runtime;
        this.compiledModels = new CompiledModelCache(compiledModels);
        this.opsLibrary = opsLibrary;
        this.budget = budget;
        this.autoInt8 = autoInt8;
    }

    OrtRuntime runtime() {
        return runtime;
    }

    /** Opens the model of {@code entry}, its calls counted in {@code stats}; {@link ModelLoadException} when it cannot. */
    LoadedModel load(ModelCatalog.Entry entry, ModelStats stats) {
        ModelSpec spec = entry.spec();
        Path modelFile = entry.folder().resolve(spec.modelFile());
        Path tokenizerFile = entry.folder().resolve(spec.tokenizerFile());
        List<Path> required = spec.compile() == null
            ? List.of(modelFile, tokenizerFile)
            : Stream.concat(GraphCompilation.weightFiles(spec, entry.folder()).stream(), Stream.of(tokenizerFile)).toList();
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
            ProviderSelection.Result provider = runtime.providerSelection();
            PassAdmission admission = runtime.admission(budget);
            if (spec.compile() == null) {
                Encoder encoder = new Encoder(runtime.environment(), runtime.openSession(modelFile), spec.dims());
                ModelPlacement placement = placement(provider, "as_exported", false, providerReasons(provider));
                return new LoadedModel(spec, tokenizer, encoder, stats, AttentionKernel.AS_EXPORTED, admission, placement);
            }
            return openCompiled(entry, tokenizer, stats, provider, admission);
        } catch (ModelLoadException | OrtUnavailableException | ExecutionProviderUnavailableException e) {
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
    private LoadedModel openCompiled(
        ModelCatalog.Entry entry,
        Tokenizer tokenizer,
        ModelStats stats,
        ProviderSelection.Result provider,
        PassAdmission admission
    ) throws Exception {
        ModelSpec spec = entry.spec();
        SessionPrecision.Choice choice;
        try {
            choice = SessionPrecision.choose(spec.compile().precision(), provider);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(spec.id(), e.getMessage(), null);
        }
        Precision precision = choice.precision();
        List<String> reasons = providerReasons(provider);
        if (choice.fallbackReason() != null) {
            reasons.add(choice.fallbackReason());
        }
        QuantizeSetting.Choice quantize = spec.compile().quantize().choose(provider.provider(), precision, autoInt8);
        GemmPrecision gemms = quantize.gemms();
        if (gemms == GemmPrecision.FP32 && quantize.reason() != null) {
            reasons.add(quantize.reason()); // auto kept fp32 here: say why
        }
        String fallback = null;
        if (spec.compile().fused()) {
            // the library check registers it, which needs the runtime loaded; the provider says which library
            fallback = opsLibrary.unavailableReason(provider.provider()).orElse(null);
            if (fallback == null) {
                // on CUDA: the op must run there, not silently on the CPU (standard ops on the GPU beat that)
                fallback = runtime.fusedOpPlacement(opsLibrary, precision).orElse(null);
            }
            if (fallback == null) {
                try {
                    Path graph = compiled(entry, true, precision, gemms);
                    Encoder encoder = new Encoder(runtime.environment(), runtime.openSession(graph, opsLibrary), spec.dims());
                    return new LoadedModel(spec, tokenizer, encoder, stats, AttentionKernel.FUSED, admission, placement(provider, reported(precision, gemms), true, reasons));
                } catch (ModelLoadException | ai.onnxruntime.OrtException e) {
                    if (e instanceof ModelLoadException m && m.status() != RestStatus.BAD_REQUEST) {
                        throw m; // the node's fault (its disk): the standard graph would fail the same way
                    }
                    fallback = "the fused graph could not be built or opened: " + withoutPaths(e.getMessage(), entry);
                }
            }
            logger.warn("model [{}] runs its attention with standard ONNX ops instead of the fused kernel: {}", spec.id(), fallback);
        }
        Path graph = compiled(entry, false, precision, gemms);
        Encoder encoder = new Encoder(runtime.environment(), runtime.openSession(graph), spec.dims());
        return new LoadedModel(spec, tokenizer, encoder, stats, AttentionKernel.standard(fallback), admission, placement(provider, reported(precision, gemms), false, reasons));
    }

    /** Why {@code auto} runs models on the CPU, as a list the model's other reasons join. */
    private static List<String> providerReasons(ProviderSelection.Result provider) {
        List<String> reasons = new ArrayList<>();
        if (provider.reason() != null) {
            reasons.add("longdoc.execution_provider is [auto] and models run on the CPU: " + provider.reason());
        }
        return reasons;
    }

    private ModelPlacement placement(ProviderSelection.Result provider, String precision, boolean fusedOp, List<String> reasons) {
        String name = provider.provider().toString();
        String device = provider.provider() == ExecutionProvider.CUDA ? "cuda:" + runtime.cudaDeviceId() : "cpu";
        return new ModelPlacement(name, device, precision, fusedOp ? name : null, reasons);
    }

    /** The precision the model's placement reports: int8 when its GEMMs are, else the graph's float type. */
    static String reported(Precision precision, GemmPrecision gemms) {
        return gemms == GemmPrecision.INT8 ? GemmPrecision.INT8.label() : precision.toString();
    }

    /**
     * The variant names the cache key's graph: fused or standard, the precision when it is not fp32, and int8 when
     * the GEMMs are.
     */
    static String variant(boolean fused, Precision precision) {
        return variant(fused, precision, GemmPrecision.FP32);
    }

    static String variant(boolean fused, Precision precision, GemmPrecision gemms) {
        String layout = fused ? "fused" : "standard";
        String withPrecision = precision == Precision.FP32 ? layout : layout + "-" + precision;
        return gemms == GemmPrecision.FP32 ? withPrecision : withPrecision + "-" + gemms.label();
    }

    private Path compiled(ModelCatalog.Entry entry, boolean fused, Precision precision, GemmPrecision gemms) {
        ModelSpec spec = entry.spec();
        try {
            return compiledModels.getOrCompile(
                spec,
                variant(fused, precision, gemms),
                GraphCompilation.weightFiles(spec, entry.folder()),
                () -> GraphCompilation.compile(spec, entry.folder(), fused, precision, gemms)
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
    private static ModelLoadException loadFailure(ModelCatalog.Entry entry, String problem, Throwable cause) {
        logger.warn(() -> "model [" + entry.id() + "] could not be loaded", cause);
        return new ModelLoadException(entry.id(), problem + withoutPaths(cause.getMessage(), entry), null);
    }

    private static String withoutPaths(String message, ModelCatalog.Entry entry) {
        if (message == null) {
            return "unknown error";
        }
        return message.replace(entry.folder().toAbsolutePath().toString(), entry.location() + ":" + entry.id());
    }
}
