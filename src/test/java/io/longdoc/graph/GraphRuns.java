package io.longdoc.graph;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * What the graph tests share: a batch of token ids with its masks, the outputs of a graph run, the largest differences
 * on the real (non-padding) tokens, and running a compiled graph in ONNX Runtime, with or without the longdoc ops
 * library.
 */
public final class GraphRuns {

    /** The system property naming the built longdoc ops library (liblongdoc_ops.so) that fused graphs need. */
    public static final String OPS_LIBRARY_PROPERTY = "tests.longdoc.ops.library";

    private GraphRuns() {}

    /** Token ids, attention masks (non-zero = a real token) and global masks, n = the longest length. */
    public record TokenBatch(long[][] ids, long[][] mask, long[][] global) {

        /** Random ids of the test vocabulary of {@link RandomEncoderWeights}. */
        public static TokenBatch random(long seed, int[] lengths, int[][] globalPositions, int padTokenId) {
            return random(seed, lengths, globalPositions, padTokenId, RandomEncoderWeights.VOCAB);
        }

        /** The first lengths[s] tokens are real (ids 3 .. vocab - 1), then padTokenId; globalPositions[s] are global. */
        public static TokenBatch random(long seed, int[] lengths, int[][] globalPositions, int padTokenId, int vocab) {
            Random random = new Random(seed);
            int n = Arrays.stream(lengths).max().orElseThrow();
            long[][] ids = new long[lengths.length][n];
            long[][] mask = new long[lengths.length][n];
            long[][] global = new long[lengths.length][n];
            for (int s = 0; s < lengths.length; s++) {
                for (int i = 0; i < n; i++) {
                    boolean real = i < lengths[s];
                    ids[s][i] = real ? 3 + random.nextInt(vocab - 3) : padTokenId;
                    mask[s][i] = real ? 1 : 0;
                }
                for (int position : globalPositions[s]) {
                    global[s][position] = 1;
                }
            }
            return new TokenBatch(ids, mask, global);
        }

        /** One unpadded sequence with [CLS] global. */
        public static TokenBatch text(long[] ids) {
            long[] mask = new long[ids.length];
            Arrays.fill(mask, 1);
            long[] global = new long[ids.length];
            global[0] = 1;
            return new TokenBatch(new long[][] { ids }, new long[][] { mask }, new long[][] { global });
        }

        public boolean real(int s, int i) {
            return mask[s][i] != 0;
        }

        /** The same sequences with their padding moved to the front. */
        public TokenBatch leftPadded(long padTokenId) {
            long[][] leftIds = new long[ids.length][];
            long[][] leftMask = new long[ids.length][];
            long[][] leftGlobal = new long[ids.length][];
            for (int s = 0; s < ids.length; s++) {
                int n = ids[s].length;
                int length = (int) Arrays.stream(mask[s]).sum();
                leftIds[s] = new long[n];
                leftMask[s] = new long[n];
                leftGlobal[s] = new long[n];
                Arrays.fill(leftIds[s], padTokenId);
                System.arraycopy(ids[s], 0, leftIds[s], n - length, length);
                System.arraycopy(mask[s], 0, leftMask[s], n - length, length);
                System.arraycopy(global[s], 0, leftGlobal[s], n - length, length);
            }
            return new TokenBatch(leftIds, leftMask, leftGlobal);
        }

        /** The same ids and masks with no global token. */
        public TokenBatch withoutGlobals() {
            return new TokenBatch(ids, mask, new long[ids.length][ids[0].length]);
        }
    }

    /** last_hidden_state and, when the graph has a QA head, start_logits and end_logits (else null). */
    public record GraphOutputs(float[][][] hidden, float[][] startLogits, float[][] endLogits) {}

    // ---- differences on the real tokens

    /** Largest difference between two runs' last_hidden_state on the real tokens. */
    public static double maxHiddenDiff(GraphOutputs a, GraphOutputs b, TokenBatch batch) {
        double diff = 0;
        for (int s = 0; s < batch.ids().length; s++) {
            for (int i = 0; i < batch.ids()[s].length; i++) {
                if (batch.real(s, i) == false) {
                    continue;
                }
                for (int c = 0; c < a.hidden()[s][i].length; c++) {
                    diff = Math.max(diff, Math.abs(a.hidden()[s][i][c] - b.hidden()[s][i][c]));
                }
            }
        }
        return diff;
    }

    /** Largest difference between two runs' outputs (hidden states and, when a has them, QA logits) on the real tokens. */
    public static double maxDiff(GraphOutputs a, GraphOutputs b, TokenBatch batch) {
        double diff = 0;
        for (int s = 0; s < batch.ids().length; s++) {
            for (int i = 0; i < batch.ids()[s].length; i++) {
                if (batch.real(s, i) == false) {
                    continue;
                }
                for (int c = 0; c < a.hidden()[s][i].length; c++) {
                    diff = Math.max(diff, Math.abs(a.hidden()[s][i][c] - b.hidden()[s][i][c]));
                }
                if (a.startLogits() != null) {
                    diff = Math.max(diff, Math.abs(a.startLogits()[s][i] - b.startLogits()[s][i]));
                    diff = Math.max(diff, Math.abs(a.endLogits()[s][i] - b.endLogits()[s][i]));
                }
            }
        }
        return diff;
    }

    /** Largest difference between a run's last_hidden_state and the reference's on the real tokens. */
    public static double maxHiddenDiff(GraphOutputs graph, ReferenceEncoder.Output reference, TokenBatch batch) {
        double diff = 0;
        for (int s = 0; s < batch.ids().length; s++) {
            for (int i = 0; i < batch.ids()[s].length; i++) {
                if (batch.real(s, i) == false) {
                    continue; // padding rows are unspecified
                }
                for (int c = 0; c < reference.hidden()[s][i].length; c++) {
                    diff = Math.max(diff, Math.abs(graph.hidden()[s][i][c] - reference.hidden()[s][i][c]));
                }
            }
        }
        return diff;
    }

    /** Largest difference between a run's span logits and the reference's on the real tokens; 0 when the reference has none. */
    public static double maxLogitDiff(GraphOutputs graph, ReferenceEncoder.Output reference, TokenBatch batch) {
        double diff = 0;
        if (reference.startLogits() == null) {
            return diff;
        }
        for (int s = 0; s < batch.ids().length; s++) {
            for (int i = 0; i < batch.ids()[s].length; i++) {
                if (batch.real(s, i) == false) {
                    continue;
                }
                diff = Math.max(diff, Math.abs(graph.startLogits()[s][i] - reference.startLogits()[s][i]));
                diff = Math.max(diff, Math.abs(graph.endLogits()[s][i] - reference.endLogits()[s][i]));
            }
        }
        return diff;
    }

    /** Largest difference between a run's outputs (hidden states and, when the reference has them, QA logits) and the reference's. */
    public static double maxDiff(GraphOutputs graph, ReferenceEncoder.Output reference, TokenBatch batch) {
        return Math.max(maxHiddenDiff(graph, reference, batch), maxLogitDiff(graph, reference, batch));
    }

    // ---- ONNX Runtime

    /** Reads a run's outputs into T. */
    @FunctionalInterface
    public interface ResultReader<T> {
        T read(OrtSession.Result result) throws OrtException;
    }

    /** The longdoc ops library: -Dtests.longdoc.ops.library, by default onnx-ops/target/liblongdoc_ops.so. */
    public static Path opsLibrary() {
        return Path.of(System.getProperty(OPS_LIBRARY_PROPERTY, "onnx-ops/target/liblongdoc_ops.so")).toAbsolutePath();
    }

    /** Runs a standard-op graph on the batch in a session of its own. */
    public static GraphOutputs run(byte[] model, TokenBatch batch) throws OrtException {
        try (OrtSession session = session(model, false)) {
            return run(session, batch);
        }
    }

    /** Runs a graph with longdoc ops (a fused graph) on the batch in a session of its own, with the ops library. */
    public static GraphOutputs runFused(byte[] model, TokenBatch batch) throws OrtException {
        try (OrtSession session = session(model, true)) {
            return run(session, batch);
        }
    }

    public static GraphOutputs run(OrtSession session, TokenBatch batch) throws OrtException {
        return run(session, batch, GraphRuns::outputs);
    }

    /** Feeds the batch to the session and reads the result with reader. */
    public static <T> T run(OrtSession session, TokenBatch batch, ResultReader<T> reader) throws OrtException {
        Map<String, OnnxTensor> feeds = feeds(batch);
        try (OrtSession.Result result = session.run(feeds)) {
            return reader.read(result);
        } finally {
            OnnxValue.close(feeds);
        }
    }

    /** last_hidden_state, start_logits and end_logits of a result; the logits are null when the graph has none. */
    public static GraphOutputs outputs(OrtSession.Result result) throws OrtException {
        float[][][] hidden = (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
        float[][] start = result.get("start_logits").isPresent() ? (float[][]) result.get("start_logits").get().getValue() : null;
        float[][] end = result.get("end_logits").isPresent() ? (float[][]) result.get("end_logits").get().getValue() : null;
        return new GraphOutputs(hidden, start, end);
    }

    /** input_ids, attention_mask and global_attention_mask; the caller closes them. */
    public static Map<String, OnnxTensor> feeds(TokenBatch batch) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            feeds.put("input_ids", OnnxTensor.createTensor(environment, batch.ids()));
            feeds.put("attention_mask", OnnxTensor.createTensor(environment, batch.mask()));
            feeds.put("global_attention_mask", OnnxTensor.createTensor(environment, batch.global()));
        } catch (OrtException | RuntimeException e) {
            OnnxValue.close(feeds);
            throw e;
        }
        return feeds;
    }

    /** A session on 2 threads with every graph optimization, and with the longdoc ops library when asked. */
    public static OrtSession session(byte[] model, boolean withOpsLibrary) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (withOpsLibrary) {
                options.registerCustomOpLibrary(opsLibrary().toString());
            }
            return OrtEnvironment.getEnvironment().createSession(model, options);
        }
    }
}
