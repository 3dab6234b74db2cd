package io.longdoc.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.longdoc.runtime.Encoder;
import io.longdoc.runtime.HiddenStates;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs several sequences through an encoder session in one padded batch: each row is right-padded to the longest
 * sequence and its padding is marked in {@code attention_mask}, so no real token attends to it (the compiled
 * graphs never let a padding key into a softmax). Only the real rows come back, one {@link HiddenStates} per
 * sequence, in input order. Whether one batched run beats one run per sequence is measured by the bench's
 * {@code BatchingBench}, not assumed.
 */
public final class BatchEncoder {

    /** Any id works in a padded slot (it is masked); 0 is BERT's [PAD]. */
    static final long PADDING_ID = 0;

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final int dims;
    private final boolean takesGlobalMask;
    private final boolean takesTokenTypes;
    private final String outputName;

    /** Uses {@code session} without owning it: the caller closes it. */
    public BatchEncoder(OrtEnvironment environment, OrtSession session, int dims) throws OrtException {
        this.environment = environment;
        this.session = session;
        this.dims = dims;
        this.takesGlobalMask = session.getInputNames().contains(Encoder.GLOBAL_ATTENTION_MASK);
        this.takesTokenTypes = session.getInputNames().contains(Encoder.TOKEN_TYPE_IDS);
        this.outputName = session.getOutputNames().iterator().next();
    }

    /**
     * Encodes {@code ids.get(s)} with global attention where {@code globalMasks.get(s)} is 1, all in one run.
     *
     * @return the hidden states of each sequence's real tokens, in input order
     */
    public List<HiddenStates> encode(List<long[]> ids, List<long[]> globalMasks) throws OrtException {
        if (ids.isEmpty() || ids.size() != globalMasks.size()) {
            throw new IllegalArgumentException("need one global mask per sequence and at least one sequence, got " + ids.size() + " and " + globalMasks.size());
        }
        int batch = ids.size();
        int n = 0;
        for (int s = 0; s < batch; s++) {
            if (ids.get(s).length == 0 || globalMasks.get(s).length != ids.get(s).length) {
                throw new IllegalArgumentException("sequence " + s + " is empty or its global mask has another length");
            }
            n = Math.max(n, ids.get(s).length);
        }
        long[] paddedIds = new long[batch * n];
        long[] attention = new long[batch * n];
        long[] global = new long[batch * n];
        Arrays.fill(paddedIds, PADDING_ID);
        for (int s = 0; s < batch; s++) {
            int length = ids.get(s).length;
            System.arraycopy(ids.get(s), 0, paddedIds, s * n, length);
            System.arraycopy(globalMasks.get(s), 0, global, s * n, length);
            Arrays.fill(attention, s * n, s * n + length, 1L);
        }
        long[] shape = { batch, n };
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            feeds.put(Encoder.INPUT_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(paddedIds), shape));
            feeds.put(Encoder.ATTENTION_MASK, OnnxTensor.createTensor(environment, LongBuffer.wrap(attention), shape));
            if (takesGlobalMask) {
                feeds.put(Encoder.GLOBAL_ATTENTION_MASK, OnnxTensor.createTensor(environment, LongBuffer.wrap(global), shape));
            }
            if (takesTokenTypes) {
                feeds.put(Encoder.TOKEN_TYPE_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[batch * n]), shape));
            }
            try (OrtSession.Result result = session.run(feeds)) {
                OnnxTensor hidden = (OnnxTensor) result.get(outputName).orElseThrow();
                long[] outShape = hidden.getInfo().getShape();
                if (outShape.length != 3 || outShape[0] != batch || outShape[1] != n || outShape[2] != dims) {
                    throw new IllegalStateException("the model returned shape " + Arrays.toString(outShape) + " for " + batch + " x " + n + " tokens");
                }
                FloatBuffer values = hidden.getFloatBuffer();
                List<HiddenStates> out = new ArrayList<>(batch);
                for (int s = 0; s < batch; s++) {
                    int length = ids.get(s).length;
                    float[] rows = new float[length * dims];
                    values.get(s * n * dims, rows);
                    out.add(new HiddenStates(rows, length, dims));
                }
                return out;
            }
        } finally {
            OnnxValue.close(feeds);
        }
    }
}
