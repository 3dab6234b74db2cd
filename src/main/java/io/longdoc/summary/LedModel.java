package io.longdoc.summary;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import io.longdoc.graph.DecoderConfig;
import io.longdoc.graph.DecoderGraphBuilder;
import io.longdoc.graph.EncoderGraphBuilder;
import io.longdoc.graph.GraphOptions;
import io.longdoc.graph.importer.LedCheckpointImporter.ImportedLed;
import io.longdoc.model.CompiledModelCache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * An LED model in ONNX Runtime: three sessions, the sparse-attention encoder (global attention on the first token,
 * as LED's summarization recipe), the cross-attention keys/values of the decoder (once per document) and the
 * decoder step with its self-attention cache.
 */
public final class LedModel implements AutoCloseable {

    /** Opens a session on a compiled graph; fused encoder graphs need the longdoc ops library registered. */
    @FunctionalInterface
    public interface SessionFactory {
        OrtSession open(byte[] model, boolean needsOpsLibrary) throws OrtException;
    }

    /** The graph parts, as {@link GraphSessions} names them (the compiled-graph cache keeps one file per part). */
    public static final String ENCODER = "encoder";
    public static final String CROSS_KEY_VALUES = "cross";
    public static final String STEP = "step";

    /**
     * Opens a session on one part, calling {@code graph} only when it has no compiled copy of it (a cache), so that a
     * cached model is opened without reading its weights.
     */
    @FunctionalInterface
    public interface GraphSessions {
        OrtSession open(String part, CompiledModelCache.Compiler graph, boolean needsOpsLibrary) throws OrtException, IOException;
    }

    /** The imported checkpoint, read when a graph part has to be compiled. */
    @FunctionalInterface
    public interface Weights {
        ImportedLed get() throws IOException;
    }

    private final OrtSession encoder;
    private final OrtSession crossKeyValues;
    private final OrtSession step;
    private final DecoderConfig decoderConfig;

    private LedModel(OrtSession encoder, OrtSession crossKeyValues, OrtSession step, DecoderConfig decoderConfig) {
        this.encoder = encoder;
        this.crossKeyValues = crossKeyValues;
        this.step = step;
        this.decoderConfig = decoderConfig;
    }

    /** Compiles the three graphs of imported weights and opens them, with no cache. */
    public static LedModel compile(ImportedLed led, GraphOptions encoderOptions, SessionFactory sessions) throws OrtException {
        try {
            return open(led.decoder().config(), () -> led, encoderOptions, (part, graph, ops) -> sessions.open(graph.compile(), ops));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the weights are in memory already: nothing reads a file
        }
    }

    /**
     * Opens the encoder (global attention on the first token at run time), the cross-attention keys/values and the
     * decoder step; {@code weights} is asked for only for the parts {@code sessions} has to compile.
     */
    public static LedModel open(DecoderConfig decoder, Weights weights, GraphOptions encoderOptions, GraphSessions sessions) throws OrtException, IOException {
        OrtSession encoder = null;
        OrtSession cross = null;
        try {
            encoder = sessions.open(ENCODER, () -> {
                ImportedLed led = weights.get();
                return EncoderGraphBuilder.build(led.encoder(), led.pattern(), encoderOptions);
            }, encoderOptions.fused());
            cross = sessions.open(CROSS_KEY_VALUES, () -> DecoderGraphBuilder.crossKeyValues(weights.get().decoder()), false);
            OrtSession step = sessions.open(STEP, () -> DecoderGraphBuilder.step(weights.get().decoder()), false);
            return new LedModel(encoder, cross, step, decoder);
        } catch (OrtException | IOException | RuntimeException e) {
            closeAll(encoder, cross);
            throw e;
        }
    }

    /** The encoder's last hidden states [n][d] of one unpadded document, its first token global. */
    public float[][] encode(long[] ids) throws OrtException {
        return encode(ids, firstTokenGlobal(ids.length));
    }

    /** LED's summarization recipe: global attention on the first token only. */
    static long[] firstTokenGlobal(int length) {
        long[] global = new long[length];
        global[0] = 1;
        return global;
    }

    /**
     * The encoder's last hidden states [n][d] of one unpadded document, with global attention where {@code global} is
     * 1 (LEDModel's global_attention_mask: those tokens attend to all and all attend to them).
     */
    public float[][] encode(long[] ids, long[] global) throws OrtException {
        if (global.length != ids.length) {
            throw new IllegalArgumentException("the global attention mask has " + global.length + " entries for " + ids.length + " tokens");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] mask = new long[ids.length];
        java.util.Arrays.fill(mask, 1);
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            feeds.put("input_ids", OnnxTensor.createTensor(env, new long[][] { ids }));
            feeds.put("attention_mask", OnnxTensor.createTensor(env, new long[][] { mask }));
            feeds.put("global_attention_mask", OnnxTensor.createTensor(env, new long[][] { global }));
            try (OrtSession.Result result = encoder.run(feeds)) {
                return ((float[][][]) result.get("last_hidden_state").orElseThrow().getValue())[0];
            }
        } finally {
            OnnxValue.close(feeds);
        }
    }

    /** A decoder over one document's encoder states, with a KV cache; the caller closes it. */
    public StepDecoder decoder(float[][] encoderHidden) throws OrtException {
        return new CachedDecoder(encoderHidden);
    }

    /** The logits of every position of a whole prefix in one run, without a cache: [t][vocab]. */
    public float[][] prefixLogits(float[][] encoderHidden, int[] tokens) throws OrtException {
        try (CachedDecoder decoder = new CachedDecoder(encoderHidden)) {
            long[][] ids = new long[1][tokens.length];
            for (int i = 0; i < tokens.length; i++) {
                ids[0][i] = tokens[i];
            }
            return decoder.run(ids, new long[] { 0 })[0];
        }
    }

    @Override
    public void close() {
        closeAll(encoder, crossKeyValues, step);
    }

    private static void closeAll(OrtSession... sessions) {
        for (OrtSession session : sessions) {
            if (session != null) {
                try {
                    session.close();
                } catch (OrtException e) {
                    // nothing more to release
                }
            }
        }
    }

    /**
     * Keeps the cross keys/values of one document and the last step's result, whose present keys/values are fed
     * back as the next step's past without copying them out of ONNX Runtime.
     */
    private final class CachedDecoder implements StepDecoder {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession.Result cross;
        private final OnnxTensor encoderMask;
        private final OnnxTensor emptyPast;
        private OrtSession.Result previous;

        CachedDecoder(float[][] encoderHidden) throws OrtException {
            long[][] mask = new long[1][encoderHidden.length];
            java.util.Arrays.fill(mask[0], 1);
            try (OnnxTensor hidden = OnnxTensor.createTensor(env, new float[][][] { encoderHidden })) {
                cross = crossKeyValues.run(Map.of(DecoderGraphBuilder.ENCODER_HIDDEN, hidden));
            }
            encoderMask = OnnxTensor.createTensor(env, mask);
            emptyPast = OnnxTensor.createTensor(env, FloatBuffer.allocate(0), new long[] { 1, decoderConfig.numHeads(), 0, decoderConfig.headDim() });
        }

        @Override
        public float[][] step(int[] tokens, int[] parents) throws OrtException {
            long[][] ids = new long[tokens.length][1];
            long[] beamIndex = new long[parents.length];
            for (int i = 0; i < tokens.length; i++) {
                ids[i][0] = tokens[i];
                beamIndex[i] = parents[i];
            }
            float[][][] logits = run(ids, beamIndex);
            float[][] last = new float[tokens.length][];
            for (int i = 0; i < tokens.length; i++) {
                last[i] = logits[i][logits[i].length - 1];
            }
            return last;
        }

        float[][][] run(long[][] ids, long[] beamIndex) throws OrtException {
            Map<String, OnnxTensor> feeds = new HashMap<>();
            OnnxTensor idsTensor = OnnxTensor.createTensor(env, ids);
            OnnxTensor beamTensor = OnnxTensor.createTensor(env, beamIndex);
            try {
                feeds.put(DecoderGraphBuilder.INPUT_IDS, idsTensor);
                feeds.put(DecoderGraphBuilder.BEAM_INDEX, beamTensor);
                feeds.put(DecoderGraphBuilder.ENCODER_MASK, encoderMask);
                for (int l = 0; l < decoderConfig.numLayers(); l++) {
                    feeds.put(DecoderGraphBuilder.crossKey(l), tensor(cross, DecoderGraphBuilder.crossKey(l)));
                    feeds.put(DecoderGraphBuilder.crossValue(l), tensor(cross, DecoderGraphBuilder.crossValue(l)));
                    feeds.put(DecoderGraphBuilder.pastKey(l), previous == null ? emptyPast : tensor(previous, DecoderGraphBuilder.presentKey(l)));
                    feeds.put(DecoderGraphBuilder.pastValue(l), previous == null ? emptyPast : tensor(previous, DecoderGraphBuilder.presentValue(l)));
                }
                OrtSession.Result result = step.run(feeds);
                if (previous != null) {
                    previous.close();
                }
                previous = result;
                return (float[][][]) result.get(DecoderGraphBuilder.LOGITS).orElseThrow().getValue();
            } finally {
                idsTensor.close();
                beamTensor.close();
            }
        }

        private static OnnxTensor tensor(OrtSession.Result result, String name) {
            return (OnnxTensor) result.get(name).orElseThrow();
        }

        @Override
        public void close() {
            if (previous != null) {
                previous.close();
            }
            cross.close();
            encoderMask.close();
            emptyPast.close();
        }
    }
}
