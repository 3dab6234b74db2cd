package io.longdoc.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs a BERT-style encoder session: token ids in, last hidden state out. The session's inputs and output are
 * checked once when the encoder is made, so a model that does not fit its spec fails at load, not per document.
 */
public final class Encoder implements AutoCloseable {

    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String GLOBAL_ATTENTION_MASK = "global_attention_mask";

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final boolean takesTokenTypes;
    private final boolean takesGlobalMask;
    private final String outputName;
    private final int dims;

    /** Takes ownership of {@code session}: it is closed if the checks fail, and by {@link #close()}. */
    public Encoder(OrtEnvironment environment, OrtSession session, int expectedDims) throws OrtException {
        this.environment = environment;
        this.session = session;
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            for (String required : new String[] { INPUT_IDS, ATTENTION_MASK }) {
                if (inputs.containsKey(required) == false) {
                    throw new IllegalArgumentException("the model has no input [" + required + "]; its inputs are " + inputs.keySet());
                }
            }
            this.takesTokenTypes = inputs.containsKey(TOKEN_TYPE_IDS);
            this.takesGlobalMask = inputs.containsKey(GLOBAL_ATTENTION_MASK);
            Map.Entry<String, NodeInfo> output = session.getOutputInfo().entrySet().iterator().next();
            this.outputName = output.getKey();
            if (output.getValue().getInfo() instanceof TensorInfo info && info.getShape().length == 3) {
                long width = info.getShape()[2];
                if (width > 0 && width != expectedDims) {
                    throw new IllegalArgumentException(
                        "the spec says [dims] is " + expectedDims + " but the model's output [" + outputName + "] has width " + width
                    );
                }
            } else {
                throw new IllegalArgumentException("the model's first output [" + outputName + "] is not a [batch, tokens, dims] tensor");
            }
            this.dims = expectedDims;
        } catch (RuntimeException | OrtException e) {
            session.close();
            throw e;
        }
    }

    /** Encodes one sequence of token ids (all attended; no padding) with global attention on the first token. */
    public HiddenStates encode(long[] tokenIds) throws OrtException {
        long[] global = new long[tokenIds.length];
        if (global.length > 0) {
            global[0] = 1; // [CLS]: what embeddings and classification use (Longformer's recipe)
        }
        return encode(tokenIds, global);
    }

    /**
     * Encodes one sequence; {@code globalMask[i] == 1} gives token i global attention (ignored by models without
     * a {@code global_attention_mask} input, whose attention is dense).
     */
    public HiddenStates encode(long[] tokenIds, long[] globalMask) throws OrtException {
        int n = tokenIds.length;
        if (n == 0) {
            throw new IllegalArgumentException("cannot encode an empty token sequence");
        }
        if (globalMask.length != n) {
            throw new IllegalArgumentException("global mask has " + globalMask.length + " entries for " + n + " tokens");
        }
        long[] shape = { 1, n };
        long[] mask = new long[n];
        java.util.Arrays.fill(mask, 1L);
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            feeds.put(INPUT_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(tokenIds), shape));
            feeds.put(ATTENTION_MASK, OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
            if (takesGlobalMask) {
                feeds.put(GLOBAL_ATTENTION_MASK, OnnxTensor.createTensor(environment, LongBuffer.wrap(globalMask), shape));
            }
            if (takesTokenTypes) {
                feeds.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[n]), shape));
            }
            try (OrtSession.Result result = session.run(feeds)) {
                OnnxTensor hidden = (OnnxTensor) result.get(outputName).orElseThrow();
                long[] outShape = hidden.getInfo().getShape();
                if (outShape.length != 3 || outShape[1] != n || outShape[2] != dims) {
                    throw new IllegalStateException("the model returned shape " + java.util.Arrays.toString(outShape) + " for " + n + " tokens");
                }
                FloatBuffer buffer = hidden.getFloatBuffer();
                float[] values = new float[buffer.remaining()];
                buffer.get(values);
                return new HiddenStates(values, n, dims);
            }
        } finally {
            for (OnnxTensor tensor : feeds.values()) {
                tensor.close();
            }
        }
    }

    public int dims() {
        return dims;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
