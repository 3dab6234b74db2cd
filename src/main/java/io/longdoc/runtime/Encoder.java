package io.longdoc.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Runs a BERT-style encoder session: token ids in, last hidden state out, and for a model with a question-answering
 * head the span logits. The session's inputs and outputs are checked once when the encoder is made, so a model that
 * does not fit its spec fails at load, not per document.
 */
public final class Encoder implements AutoCloseable {

    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    public static final String GLOBAL_ATTENTION_MASK = "global_attention_mask";
    static final String LAST_HIDDEN_STATE = "last_hidden_state";
    static final String START_LOGITS = "start_logits";
    static final String END_LOGITS = "end_logits";

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final boolean takesTokenTypes;
    private final boolean takesGlobalMask;
    private final String hiddenName;
    private final boolean qaHead;
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
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            // A graph with a QA head has three outputs; only exports without names rely on the hidden state coming first.
            this.hiddenName = outputs.containsKey(LAST_HIDDEN_STATE) ? LAST_HIDDEN_STATE : outputs.keySet().iterator().next();
            long[] hiddenShape = shape(outputs.get(hiddenName));
            if (hiddenShape == null || hiddenShape.length != 3) {
                throw new IllegalArgumentException("the model's output [" + hiddenName + "] is not a [batch, tokens, dims] tensor");
            }
            if (hiddenShape[2] > 0 && hiddenShape[2] != expectedDims) {
                throw new IllegalArgumentException(
                    "the spec says [dims] is " + expectedDims + " but the model's output [" + hiddenName + "] has width " + hiddenShape[2]
                );
            }
            this.qaHead = checkQaHead(outputs);
            this.dims = expectedDims;
        } catch (RuntimeException | OrtException e) {
            session.close();
            throw e;
        }
    }

    /** Both span outputs as [batch, tokens] tensors, or neither: half a head is a broken export, not a model without one. */
    private static boolean checkQaHead(Map<String, NodeInfo> outputs) {
        boolean hasStart = outputs.containsKey(START_LOGITS);
        boolean hasEnd = outputs.containsKey(END_LOGITS);
        if (hasStart != hasEnd) {
            String present = hasStart ? START_LOGITS : END_LOGITS;
            String missing = hasStart ? END_LOGITS : START_LOGITS;
            throw new IllegalArgumentException("the model has the output [" + present + "] but not [" + missing + "]; a QA head needs both");
        }
        if (hasStart == false) {
            return false;
        }
        for (String name : new String[] { START_LOGITS, END_LOGITS }) {
            long[] shape = shape(outputs.get(name));
            if (shape == null || shape.length != 2) {
                throw new IllegalArgumentException("the model's output [" + name + "] is not a [batch, tokens] tensor");
            }
        }
        return true;
    }

    private static long[] shape(NodeInfo node) {
        return node.getInfo() instanceof TensorInfo info ? info.getShape() : null;
    }

    /** Whether the model has a question-answering head: outputs {@code start_logits} and {@code end_logits}. */
    public boolean hasQaHead() {
        return qaHead;
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
        return run(tokenIds, globalMask, Set.of(hiddenName), (result, n) -> {
            OnnxTensor hidden = (OnnxTensor) result.get(hiddenName).orElseThrow();
            long[] outShape = hidden.getInfo().getShape();
            if (outShape.length != 3 || outShape[1] != n || outShape[2] != dims) {
                throw new IllegalStateException("the model returned shape " + Arrays.toString(outShape) + " for " + n + " tokens");
            }
            return new HiddenStates(floats(hidden), n, dims);
        });
    }

    /**
     * Runs one sequence through the question-answering head: the start and end logit of every token. The global
     * mask is as for {@link #encode(long[], long[])}; QA models put the question there.
     */
    public SpanLogits spanLogits(long[] tokenIds, long[] globalMask) throws OrtException {
        if (qaHead == false) {
            throw new IllegalStateException("the model has no outputs [" + START_LOGITS + "] and [" + END_LOGITS + "]");
        }
        return run(tokenIds, globalMask, Set.of(START_LOGITS, END_LOGITS), (result, n) -> {
            float[] start = logits(result, START_LOGITS, n);
            float[] end = logits(result, END_LOGITS, n);
            return new SpanLogits(start, end);
        });
    }

    private static float[] logits(OrtSession.Result result, String name, int n) throws OrtException {
        OnnxTensor tensor = (OnnxTensor) result.get(name).orElseThrow();
        long[] shape = tensor.getInfo().getShape();
        if (shape.length != 2 || shape[0] != 1 || shape[1] != n) {
            throw new IllegalStateException("the model returned [" + name + "] of shape " + Arrays.toString(shape) + " for " + n + " tokens");
        }
        return floats(tensor);
    }

    private static float[] floats(OnnxTensor tensor) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    /** Reads what one run produced, while its tensors are still open. */
    private interface ResultReader<T> {
        T read(OrtSession.Result result, int tokens) throws OrtException;
    }

    private <T> T run(long[] tokenIds, long[] globalMask, Set<String> outputs, ResultReader<T> reader) throws OrtException {
        int n = tokenIds.length;
        if (n == 0) {
            throw new IllegalArgumentException("cannot encode an empty token sequence");
        }
        if (globalMask.length != n) {
            throw new IllegalArgumentException("global mask has " + globalMask.length + " entries for " + n + " tokens");
        }
        long[] shape = { 1, n };
        long[] mask = new long[n];
        Arrays.fill(mask, 1L);
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
            try (OrtSession.Result result = session.run(feeds, outputs)) {
                return reader.read(result, n);
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
