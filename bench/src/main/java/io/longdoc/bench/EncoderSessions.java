package io.longdoc.bench;

import static io.longdoc.bench.BenchCli.progress;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.longdoc.graph.AttentionPattern;
import io.longdoc.graph.EncoderGraphBuilder;
import io.longdoc.graph.EncoderWeights;
import io.longdoc.graph.GraphOptions;
import io.longdoc.graph.GemmPrecision;
import io.longdoc.graph.importer.Longify;
import io.longdoc.graph.importer.OnnxExportImporter;

import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One ORT session per {@link EncoderRun}, all built from the same pretrained weights and run with the same intra-op
 * threads: the longified encoder with dense attention, with the sliding window from standard ops and through the fused
 * kernel, and the original 512-position model for chunking; in int8, the same graphs with int8 GEMMs
 * ({@link GemmPrecision#INT8}) — the int8 chunk-512 is the original model's weights compiled by the graph builder with a
 * 512-token window through the fused kernel, which over a chunk of at most 512 tokens is full attention (the fp32 one
 * runs the original ONNX export as it is). A variant that cannot be built here (no
 * onnx-ops library) is kept with the reason instead.
 */
final class EncoderSessions implements AutoCloseable {

    /** Chunks hold 510 text tokens plus [CLS] and [SEP]: the original model's 512 positions. */
    private static final int CHUNK_TEXT_TOKENS = 510;

    private final OrtEnvironment env;
    private final int heads;
    private final Map<EncoderRun, OrtSession> sessions = new LinkedHashMap<>();
    private final Map<EncoderRun, String> unavailable = new LinkedHashMap<>();
    private final List<OrtSession.SessionOptions> options = new ArrayList<>();

    private EncoderSessions(OrtEnvironment env, int heads) {
        this.env = env;
        this.heads = heads;
    }

    /**
     * @param onnx       the original model (a BERT ONNX export); its weights feed every variant
     * @param maxLength  positions of the longified graphs (the longest length to run)
     * @param window     sliding window, tokens each side
     * @param opsLibrary the onnx-ops library for {@link EncoderVariant#SPARSE_FUSED}
     * @param runs       the sessions to open
     */
    static EncoderSessions open(Path onnx, int maxLength, int window, int threads, Path opsLibrary, List<EncoderRun> runs) throws Exception {
        progress("importing weights from " + onnx);
        EncoderWeights weights = OnnxExportImporter.read(onnx);
        int layers = weights.config().numLayers();
        EncoderSessions encoders = new EncoderSessions(OrtEnvironment.getEnvironment(), weights.config().numHeads());
        try {
            progress("building the graphs: " + runs + "; dense and sliding window w=" + window + ", " + maxLength + " positions");
            EncoderWeights longWeights = Longify.longify(weights, maxLength, window).weights();
            AttentionPattern sliding = AttentionPattern.SlidingWindow.uniform(layers, window);
            AttentionPattern.Dense dense = new AttentionPattern.Dense();
            for (EncoderRun run : runs) {
                GraphOptions standard = new GraphOptions(false, run.precision());
                switch (run.variant()) {
                    case DENSE -> encoders.add(run, EncoderGraphBuilder.build(Longify.longify(weights, maxLength, dense).weights(), dense, standard), threads,
                        null);
                    case SPARSE_STD -> encoders.add(run, EncoderGraphBuilder.build(longWeights, sliding, standard), threads, null);
                    case SPARSE_FUSED -> encoders.addFused(run, longWeights, sliding, threads, opsLibrary);
                    case CHUNK_512 -> {
                        if (run.precision() == GemmPrecision.FP32) {
                            encoders.sessions.put(run, encoders.env.createSession(onnx.toString(), encoders.sessionOptions(threads)));
                        } else {
                            // a window of 512 each side through the fused kernel is exactly full attention over a chunk
                            // (FusedGraphTests.windowCoveringTheInput);
                            // the builder's dense attention in standard ops ran 2× slower than the kernel at 512 here
                            encoders.addFused(run, weights, AttentionPattern.SlidingWindow.uniform(layers, CHUNK_TEXT_TOKENS + 2), threads, opsLibrary);
                        }
                    }
                }
            }
            return encoders;
        } catch (Exception | Error e) {
            encoders.close();
            throw e;
        }
    }

    private void add(EncoderRun run, byte[] graph, int threads, Path opsLibrary) throws OrtException {
        OrtSession.SessionOptions sessionOptions = sessionOptions(threads);
        if (opsLibrary != null) {
            sessionOptions.registerCustomOpLibrary(opsLibrary.toAbsolutePath().toString());
        }
        sessions.put(run, env.createSession(graph, sessionOptions));
    }

    private void addFused(EncoderRun run, EncoderWeights weights, AttentionPattern pattern, int threads, Path opsLibrary) throws OrtException {
        if (Files.isRegularFile(opsLibrary) == false) {
            unavailable.put(run, "not run: no onnx-ops library at " + opsLibrary + " (the Maven build makes it)");
            return;
        }
        byte[] graph;
        try {
            graph = EncoderGraphBuilder.build(weights, pattern, new GraphOptions(true, run.precision()));
        } catch (UnsupportedOperationException e) {
            unavailable.put(run, "not run: " + e.getMessage());
            return;
        }
        add(run, graph, threads, opsLibrary);
    }

    private OrtSession.SessionOptions sessionOptions(int threads) throws OrtException {
        OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions();
        options.add(sessionOptions);
        sessionOptions.setIntraOpNumThreads(threads);
        sessionOptions.setInterOpNumThreads(1);
        sessionOptions.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        // Without the arena, memory goes back after each run, so every measurement starts from the same floor.
        sessionOptions.setCPUArenaAllocator(false);
        return sessionOptions;
    }

    int heads() {
        return heads;
    }

    /** Why a run cannot happen at all here; empty when it can. */
    Optional<String> unavailable(EncoderRun run) {
        return Optional.ofNullable(unavailable.get(run));
    }

    /** Encodes one document ({@code ids} with [CLS] first and [SEP] last) the run's way. */
    void encode(EncoderRun run, long[] ids) throws OrtException {
        OrtSession session = sessions.get(run);
        if (session == null) {
            throw new IllegalStateException(run + " is unavailable: " + unavailable.get(run));
        }
        if (run.variant() == EncoderVariant.CHUNK_512) {
            encodeChunks(session, ids);
        } else {
            run(session, ids);
        }
    }

    /** The chunking baseline: consecutive 510-token pieces, each wrapped in [CLS] … [SEP]. */
    private void encodeChunks(OrtSession session, long[] ids) throws OrtException {
        long cls = ids[0];
        long sep = ids[ids.length - 1];
        for (int start = 1; start < ids.length - 1; start += CHUNK_TEXT_TOKENS) {
            int end = Math.min(start + CHUNK_TEXT_TOKENS, ids.length - 1);
            long[] chunk = new long[end - start + 2];
            chunk[0] = cls;
            System.arraycopy(ids, start, chunk, 1, end - start);
            chunk[chunk.length - 1] = sep;
            run(session, chunk);
        }
    }

    private void run(OrtSession session, long[] ids) throws OrtException {
        int n = ids.length;
        long[] shape = { 1, n };
        long[] mask = new long[n];
        Arrays.fill(mask, 1);
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            feeds.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            feeds.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (session.getInputNames().contains("global_attention_mask")) {
                long[] global = new long[n];
                global[0] = 1; // [CLS], as the bundled models are served
                feeds.put("global_attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(global), shape));
            }
            if (session.getInputNames().contains("token_type_ids")) {
                feeds.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n]), shape));
            }
            session.run(feeds).close();
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        for (OrtSession session : sessions.values()) {
            session.close();
        }
        sessions.clear();
        for (OrtSession.SessionOptions sessionOptions : options) {
            sessionOptions.close();
        }
        options.clear();
    }
}
