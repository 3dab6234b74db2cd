package io.longdoc.summary;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import io.longdoc.graph.GraphOptions;
import io.longdoc.graph.importer.LedCheckpointImporter.ImportedLed;
import io.longdoc.graph.importer.LedConfig;
import io.longdoc.model.ModelId;
import io.longdoc.runtime.InferenceBudget;
import io.longdoc.runtime.OpsLibrary;
import io.longdoc.runtime.OrtRuntime;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.core.Releasable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The LED summary models of this node: folders under {@code config/longdoc/models/<id>/} whose {@code config.json}
 * says model_type led, each loaded (imported, compiled, opened) once on first use, and the inference memory their
 * documents reserve.
 */
public final class SummaryModels implements AutoCloseable {

    private static final Logger logger = LogManager.getLogger(SummaryModels.class);

    private final Path operatorModels;
    private final OrtRuntime runtime;
    private final OpsLibrary opsLibrary;
    private final InferenceBudget budget;
    private final Path scratch;
    private final Map<String, LedSummaryModel> loaded = new ConcurrentHashMap<>();

    /**
     * @param opsLibrary the fused kernels for the encoder when they register (null: standard ops)
     * @param scratch    a writable folder where compiled graphs pass on their way into ONNX Runtime
     */
    public SummaryModels(Path operatorModels, OrtRuntime runtime, OpsLibrary opsLibrary, InferenceBudget budget, Path scratch) {
        this.operatorModels = operatorModels;
        this.runtime = runtime;
        this.opsLibrary = opsLibrary;
        this.budget = budget;
        this.scratch = scratch;
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

    /** The model, loaded on first use; a folder that cannot be loaded is an IllegalArgumentException (400) naming it. */
    public LedSummaryModel load(String id) {
        LedSummaryModel model = loaded.get(id);
        if (model != null) {
            return model;
        }
        synchronized (this) {
            model = loaded.get(id);
            if (model == null) {
                Path folder = folder(id);
                long start = System.nanoTime();
                try {
                    boolean fused = opsLibrary != null && opsLibrary.unavailableReason(runtime.executionProvider()).isEmpty();
                    model = LedSummaryModel.load(folder, new GraphOptions(fused), this::open);
                } catch (IOException | OrtException | RuntimeException e) {
                    logger.warn(() -> "summary model [" + id + "] could not be loaded", e);
                    String message = String.valueOf(e.getMessage()).replace(folder.toAbsolutePath().toString(), "config:" + id);
                    throw new IllegalArgumentException("summary model [" + id + "] could not be loaded: " + message);
                }
                loaded.put(id, model);
                logger.info("loaded summary model [{}] in {} ms", id, (System.nanoTime() - start) / 1_000_000);
            }
            return model;
        }
    }

    /**
     * Reserves a document's inference memory: the encoder's pass (as MemoryEstimate counts a sliding window in
     * standard ops: 16 vectors of width d per token and 3w + 1 scores per head, 10 bytes each), the decoder's caches
     * and each beam's logits.
     */
    public Releasable reserve(LedSummaryModel model, int tokens, GenerationConfig generation, String what) {
        ImportedLed led = model.imported();
        long d = led.config().dModel();
        long window = Arrays.stream(led.pattern().windows()).max().orElse(0);
        long encoder = 10L * tokens * (16L * d + led.config().encoderHeads() * (3L * window + 1));
        long decoder = AbstractiveSummarizer.cacheBytes(led.decoder().config(), tokens, generation)
            + 10L * generation.numBeams() * led.config().vocabSize();
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

    /** ONNX Runtime opens files with the node's session options: the graph passes through a scratch file. */
    private OrtSession open(byte[] graph, boolean needsOpsLibrary) throws OrtException {
        Path file = null;
        try {
            Files.createDirectories(scratch);
            file = Files.createTempFile(scratch, "led-", ".onnx");
            Files.write(file, graph);
            return runtime.openSession(file, needsOpsLibrary ? opsLibrary : null);
        } catch (IOException e) {
            throw new IllegalStateException("could not write a compiled graph under the node's data path: " + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    logger.debug("could not remove scratch graph", e);
                }
            }
        }
    }

    @Override
    public void close() {
        loaded.values().forEach(LedSummaryModel::close);
        loaded.clear();
    }
}
