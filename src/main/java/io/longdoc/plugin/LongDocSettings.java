package io.longdoc.plugin;

import io.longdoc.model.ModelId;
import io.longdoc.runtime.CudaSettings;
import io.longdoc.runtime.DeviceMemoryLimit;
import io.longdoc.runtime.ExecutionProviderSetting;

import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.common.unit.ByteSizeValue;
import org.elasticsearch.common.util.concurrent.EsExecutors;

import java.util.List;

/** The node settings of longdoc (elasticsearch.yml; static, read at node start). */
public final class LongDocSettings {

    private LongDocSettings() {}

    public static final Setting<String> DEFAULT_MODEL = Setting.simpleString(
        "longdoc.default_model",
        "bge-small-en-v1.5",
        ModelId::validate,
        Setting.Property.NodeScope
    );

    /**
     * Models loaded (and compiled when their spec asks) in the background when the node starts, so that the first
     * document or question does not wait for them; by default the {@link #DEFAULT_MODEL}, an empty list preloads
     * nothing. Ids are checked here; that each names a model of this node is checked when the node starts
     * ({@link io.longdoc.model.ModelPreloader}), since the model folders are not known to a setting.
     */
    public static final Setting<List<String>> MODELS_PRELOAD = Setting.listSetting(
        "longdoc.models.preload",
        (Setting<List<String>>) null,
        LongDocSettings::preloadedModelId,
        s -> List.of(DEFAULT_MODEL.get(s)),
        Setting.Property.NodeScope
    );

    private static String preloadedModelId(String id) {
        try {
            return ModelId.validate(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[longdoc.models.preload]: " + e.getMessage(), e);
        }
    }

    /** ONNX Runtime threads per forward pass; defaults to the node's allocated processors. */
    public static final Setting<Integer> INTRA_OP_THREADS = new Setting<>(
        "longdoc.inference.intra_op_threads",
        s -> Integer.toString(EsExecutors.allocatedProcessors(s)),
        s -> Setting.parseInt(s, 1, 1024, "longdoc.inference.intra_op_threads"),
        Setting.Property.NodeScope
    );

    /**
     * Deprecated name of {@link #EXECUTION_PROVIDER}, still read when the new one is not set (it only knew cpu and cuda;
     * it takes auto too).
     */
    public static final Setting<ExecutionProviderSetting> EXECUTION_PROVIDER_DEPRECATED = new Setting<>(
        "longdoc.inference.execution_provider",
        ExecutionProviderSetting.AUTO.toString(),
        ExecutionProviderSetting::parse,
        Setting.Property.NodeScope,
        Setting.Property.Deprecated
    );

    /**
     * Where models run: {@code auto} (CUDA when this node has the GPU zip, the CUDA libraries and a device, else the
     * CPU, the reason shown in {@code GET _longdoc/models}), {@code cpu}, or {@code cuda} (required: without it model
     * loads fail with the reason). {@code auto} by default, so one setting serves both zips: on the CPU zip it can only
     * resolve to the CPU, and it costs one question to ONNX Runtime (its compiled-in providers).
     */
    public static final Setting<ExecutionProviderSetting> EXECUTION_PROVIDER = new Setting<>(
        "longdoc.execution_provider",
        EXECUTION_PROVIDER_DEPRECATED,
        ExecutionProviderSetting::parse,
        Setting.Property.NodeScope
    );

    /** The CUDA device models run on when the provider is CUDA (CUDA's numbering, as nvidia-smi lists them by default). */
    public static final Setting<Integer> CUDA_DEVICE_ID = Setting.intSetting("longdoc.cuda.device_id", 0, 0, Setting.Property.NodeScope);

    /**
     * Forward passes that run on the GPU at once, across the node's models, when models run on CUDA; further passes
     * wait for a slot. More than one lets one pass's transfers and host work overlap another's kernels.
     */
    public static final Setting<Integer> CUDA_CONCURRENT_PASSES = Setting.intSetting(
        "longdoc.cuda.concurrent_passes",
        CudaSettings.DEFAULT_CONCURRENT_PASSES,
        1,
        Setting.Property.NodeScope
    );

    /**
     * GPU memory forward passes may use at once when models run on CUDA, by each pass's estimate: a size, or a share of
     * the device's memory free when the runtime starts ({@link DeviceMemoryLimit}); over it a pass gets a 429, a pass
     * that could never fit a 400.
     */
    public static final Setting<DeviceMemoryLimit> CUDA_MEMORY_BUDGET = new Setting<>(
        DeviceMemoryLimit.SETTING,
        DeviceMemoryLimit.DEFAULT,
        DeviceMemoryLimit::parse,
        Setting.Property.NodeScope
    );

    /** The node's {@code longdoc.cuda.*} settings together. */
    public static CudaSettings cuda(Settings settings) {
        return new CudaSettings(CUDA_DEVICE_ID.get(settings), CUDA_CONCURRENT_PASSES.get(settings), CUDA_MEMORY_BUDGET.get(settings));
    }

    /**
     * Native memory that forward passes may use at once (ONNX Runtime allocates outside the heap, where Elasticsearch's
     * circuit breakers do not look); a pass that does not fit is rejected with a 429.
     */
    public static final Setting<ByteSizeValue> INFERENCE_MEMORY_BUDGET = Setting.byteSizeSetting(
        "longdoc.inference.memory_budget",
        ByteSizeValue.ofGb(4),
        Setting.Property.NodeScope
    );

    /** The most candidates one {@code long_doc_qa} query or rescorer may ask each shard to read. */
    public static final Setting<Integer> QA_MAX_CANDIDATES = Setting.intSetting(
        "longdoc.qa.max_candidates",
        1000,
        1,
        10_000,
        Setting.Property.NodeScope
    );

    /**
     * Whether the elected master puts the component template {@code longdoc-mappings} into the cluster when it is
     * missing (never over an existing one).
     */
    public static final Setting<Boolean> INSTALL_TEMPLATES = Setting.boolSetting("longdoc.templates.enabled", true, Setting.Property.NodeScope);

    /**
     * Whether {@code compile.quantize: auto} may run a model's GEMMs in int8 on this node
     * when its CPU has VNNI or AMX int8; false keeps fp32 (the spec of a bundled model cannot be edited).
     */
    public static final Setting<Boolean> AUTO_INT8 = Setting.boolSetting("longdoc.auto_int8", true, Setting.Property.NodeScope);

    /** Tokens the {@code span} reader may read per shard and request; candidates past it keep their first-stage order. */
    public static final Setting<Integer> QA_SPAN_TOKEN_BUDGET = Setting.intSetting(
        "longdoc.qa.span_token_budget",
        64 * 1024,
        512,
        16 * 1024 * 1024,
        Setting.Property.NodeScope
    );

    /**
     * How long a shard's search waits for a model its node has not loaded yet (the load runs on the generic pool,
     * not the search thread); past it the shard fails with a 503. In a cluster most nodes load a model on first use.
     */
    public static final Setting<TimeValue> QA_MODEL_LOAD_WAIT = Setting.timeSetting(
        "longdoc.qa.model_load_wait",
        TimeValue.timeValueSeconds(60),
        TimeValue.ZERO,
        Setting.Property.NodeScope
    );

    /**
     * Whether the answers fetch phase of a search of several shards reuses the reads its query phase made of the
     * returned hits (carried in the shard's reader context) instead of loading and reading them again. Dynamic; off
     * only to compare with the old path (the answers are the same, each returned hit is read twice).
     */
    public static final Setting<Boolean> QA_REUSE_READS = Setting.boolSetting(
        "longdoc.qa.reuse_reads",
        true,
        Setting.Property.NodeScope,
        Setting.Property.Dynamic
    );

    /** The thread pool inference runs on; size and queue_size are settings under {@code thread_pool.longdoc_inference}. */
    public static final String INFERENCE_THREAD_POOL = "longdoc_inference";

    /**
     * One forward pass at a time by default: each pass already uses all intra-op threads, so more would only compete
     * for the same cores.
     */
    public static final int DEFAULT_INFERENCE_THREADS = 1;
    public static final int DEFAULT_INFERENCE_QUEUE = 1000;

    /**
     * Questions of {@code long_doc_qa} are encoded on their own pool, so that a search never waits in line behind
     * a bulk request's documents (a question is a short forward pass; a queue of documents can be minutes long).
     */
    public static final String QUESTION_THREAD_POOL = "longdoc_question";
    public static final int DEFAULT_QUESTION_THREADS = 1;
    public static final int DEFAULT_QUESTION_QUEUE = 100;

    public static List<Setting<?>> all() {
        return List.of(
            DEFAULT_MODEL,
            MODELS_PRELOAD,
            INTRA_OP_THREADS,
            EXECUTION_PROVIDER,
            EXECUTION_PROVIDER_DEPRECATED,
            CUDA_DEVICE_ID,
            CUDA_CONCURRENT_PASSES,
            CUDA_MEMORY_BUDGET,
            QA_MAX_CANDIDATES,
            QA_SPAN_TOKEN_BUDGET,
            QA_MODEL_LOAD_WAIT,
            QA_REUSE_READS,
            INFERENCE_MEMORY_BUDGET,
            INSTALL_TEMPLATES,
            AUTO_INT8
        );
    }
}
