package io.longdoc.ops;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;

import com.google.protobuf.ByteString;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One call of {@code longdoc.SparseAttention}: the node's attributes, random inputs, the one-node ONNX model that runs
 * it, and the plain dense reference it must match (every query's full row of n scores, weighted by how often the
 * pattern lets it see each key; see onnx-ops/include/longdoc_ops.h). Public for the benchmarks under bench/ (e.g.
 * AttentionKernelBench), which time the same one-node model.
 */
public final class SparseAttentionCase {

    static final String DOMAIN = "longdoc";
    static final String[] INPUTS = {
        "query", "key", "value", "attention_mask", "global_attention_mask", "query_global", "key_global", "value_global",
        "random_block_layout" };

    public final int batch;
    public final int n;
    public final int heads;
    public final int headDim;
    public final int hidden;
    /** Attributes exactly as they go on the node: Long, long[] or String values. */
    final Map<String, Object> attributes = new LinkedHashMap<>();
    float[] query, key, value, queryGlobal, keyGlobal, valueGlobal;
    long[] attentionMask, globalMask, layout;
    long[] layoutShape;

    private SparseAttentionCase(int batch, int n, int heads, int headDim) {
        this.batch = batch;
        this.n = n;
        this.heads = heads;
        this.headDim = headDim;
        this.hidden = heads * headDim;
    }

    public static SparseAttentionCase slidingWindow(int batch, int n, int heads, int headDim, int window, long[] dilation, Random random) {
        SparseAttentionCase c = new SparseAttentionCase(batch, n, heads, headDim);
        c.attributes.put("num_heads", (long) heads);
        c.attributes.put("pattern", "sliding_window");
        c.attributes.put("window", (long) window);
        if (dilation != null) {
            c.attributes.put("dilation", dilation);
        }
        c.fillTokens(random);
        return c;
    }

    static SparseAttentionCase blockSparse(int batch, int n, int heads, int headDim, int block, int randomBlocks, boolean hfEval, Random random) {
        SparseAttentionCase c = new SparseAttentionCase(batch, n, heads, headDim);
        c.attributes.put("num_heads", (long) heads);
        c.attributes.put("pattern", "block_sparse");
        c.attributes.put("block_size", (long) block);
        c.attributes.put("random_blocks", (long) randomBlocks);
        c.attributes.put("random_mode", hfEval ? "hf_eval" : "seeded");
        c.fillTokens(random);
        if (hfEval == false) {
            int blocks = (n + block - 1) / block;
            int rows = Math.max(0, blocks - 2);
            // BigBird's draw: r distinct blocks of 1..B-2 outside the query block's neighbours. Below the fallback length
            // the op does not read the layout (and there may be too few blocks to draw from): zeros then.
            boolean full = n <= (5 + 2 * randomBlocks) * block;
            c.layoutShape = new long[] { heads, rows, randomBlocks };
            c.layout = new long[heads * rows * randomBlocks];
            int k = 0;
            for (int head = 0; head < heads && full == false; head++) {
                for (int q = 1; q <= blocks - 2; q++) {
                    List<Long> candidates = new ArrayList<>();
                    for (long b = 1; b < blocks - 1; b++) {
                        if (b < q - 1 || b > q + 1) {
                            candidates.add(b);
                        }
                    }
                    java.util.Collections.shuffle(candidates, random);
                    for (int r = 0; r < randomBlocks; r++) {
                        c.layout[k++] = candidates.get(r);
                    }
                }
            }
        }
        return c;
    }

    private void fillTokens(Random random) {
        query = gaussian(random);
        key = gaussian(random);
        value = gaussian(random);
        attentionMask = new long[batch * n];
        java.util.Arrays.fill(attentionMask, 1L);
    }

    float[] gaussian(Random random) {
        float[] values = new float[batch * n * hidden];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * 1.5);
        }
        return values;
    }

    /** Pads batch entry {@code b} after {@code length} tokens. */
    SparseAttentionCase pad(int b, int length) {
        for (int i = length; i < n; i++) {
            attentionMask[b * n + i] = 0;
        }
        return this;
    }

    public SparseAttentionCase global(int b, int... positions) {
        if (globalMask == null) {
            globalMask = new long[batch * n];
        }
        for (int i : positions) {
            globalMask[b * n + i] = 1;
        }
        return this;
    }

    SparseAttentionCase globalProjections(Random random) {
        queryGlobal = gaussian(random);
        keyGlobal = gaussian(random);
        valueGlobal = gaussian(random);
        return this;
    }

    // ---- the ONNX model --------------------------------------------------------------------------------------------

    public byte[] model() {
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder().setOpType("SparseAttention").setDomain(DOMAIN).setName("attention");
        Object[] feeds = feedArrays();
        int last = 0;
        for (int i = 0; i < feeds.length; i++) {
            if (feeds[i] != null) {
                last = i;
            }
        }
        OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("sparse_attention");
        for (int i = 0; i <= last; i++) {
            // An omitted optional input keeps its position with an empty name.
            node.addInput(feeds[i] == null ? "" : INPUTS[i]);
            if (feeds[i] != null) {
                boolean floats = feeds[i] instanceof float[];
                graph.addInput(valueInfo(INPUTS[i], floats ? OnnxMl.TensorProto.DataType.FLOAT : OnnxMl.TensorProto.DataType.INT64, rank(i)));
            }
        }
        node.addOutput("output");
        for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
            node.addAttribute(attribute(attribute.getKey(), attribute.getValue()));
        }
        graph.addNode(node).addOutput(valueInfo("output", OnnxMl.TensorProto.DataType.FLOAT, 3));
        return OnnxMl.ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("longdoc-tests")
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(DOMAIN).setVersion(1))
            .setGraph(graph)
            .build()
            .toByteArray();
    }

    private static int rank(int input) {
        return switch (input) {
            case 3, 4 -> 2;
            default -> 3;
        };
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, OnnxMl.TensorProto.DataType type, int rank) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (int d = 0; d < rank; d++) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(name + "_" + d));
        }
        OnnxMl.TypeProto.Tensor tensor = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape).build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(tensor)).build();
    }

    private static OnnxMl.AttributeProto attribute(String name, Object value) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name);
        if (value instanceof Long l) {
            a.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(l);
        } else if (value instanceof long[] ls) {
            a.setType(OnnxMl.AttributeProto.AttributeType.INTS);
            for (long l : ls) {
                a.addInts(l);
            }
        } else {
            a.setType(OnnxMl.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8((String) value));
        }
        return a.build();
    }

    private Object[] feedArrays() {
        return new Object[] { query, key, value, attentionMask, globalMask, queryGlobal, keyGlobal, valueGlobal, layout };
    }

    /** The inputs of one run; the caller closes the tensors. */
    public Map<String, OnnxTensor> feeds(OrtEnvironment env) throws OrtException {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        Object[] arrays = feedArrays();
        for (int i = 0; i < arrays.length; i++) {
            if (arrays[i] instanceof float[] f) {
                feeds.put(INPUTS[i], OnnxTensor.createTensor(env, FloatBuffer.wrap(f), new long[] { batch, n, hidden }));
            } else if (arrays[i] instanceof long[] l) {
                long[] shape = i == 8 ? layoutShape : new long[] { batch, l.length / Math.max(1, batch) };
                feeds.put(INPUTS[i], OnnxTensor.createTensor(env, LongBuffer.wrap(l), shape));
            }
        }
        return feeds;
    }

    // ---- the dense reference ---------------------------------------------------------------------------------------

    private boolean token(int b, int i) {
        return attentionMask[b * n + i] == 1;
    }

    private boolean isGlobal(int b, int i) {
        return globalMask != null && token(b, i) && globalMask[b * n + i] == 1;
    }

    /**
     * The distinct (query, key) pairs the pattern allows, summed over batch entries and heads: the pairs whose q·k and
     * p·v the op must compute (a key's multiplicity only adds a constant to its score). Exact, from the same rules as
     * {@link #multiplicity}: O(batch·heads·n·(2w+1)) for sliding_window, O(batch·heads·n²) otherwise.
     */
    public long allowedPairs() {
        boolean sliding = "sliding_window".equals(attributes.get("pattern"));
        long pairs = 0;
        for (int b = 0; b < batch; b++) {
            long tokens = 0, globals = 0;
            for (int i = 0; i < n; i++) {
                tokens += token(b, i) ? 1 : 0;
                globals += isGlobal(b, i) ? 1 : 0;
            }
            for (int head = 0; head < heads; head++) {
                long[] dilation = (long[]) attributes.get("dilation");
                long d = dilation == null ? 1 : dilation[head];
                long w = sliding ? (Long) attributes.get("window") : 0;
                for (int i = 0; i < n; i++) {
                    if (token(b, i) == false) {
                        continue;
                    }
                    if (sliding == false) {
                        for (int j = 0; j < n; j++) {
                            pairs += multiplicity(b, head, i, j) > 0 ? 1 : 0;
                        }
                    } else if (isGlobal(b, i)) {
                        pairs += tokens;
                    } else {
                        // every global key once, plus the window's non-global tokens
                        pairs += globals;
                        for (long k = -Math.min(w, n); k <= Math.min(w, n); k++) {
                            long j = i + k * d;
                            if (j >= 0 && j < n && token(b, (int) j) && isGlobal(b, (int) j) == false) {
                                pairs++;
                            }
                        }
                    }
                }
            }
        }
        return pairs;
    }

    /** How often key j enters query i's softmax under the pattern (0: not allowed). */
    public int multiplicity(int b, int head, int i, int j) {
        if (token(b, j) == false) {
            return 0;
        }
        if ("sliding_window".equals(attributes.get("pattern"))) {
            if (isGlobal(b, i) || isGlobal(b, j)) {
                return 1;
            }
            long[] dilation = (long[]) attributes.get("dilation");
            long d = dilation == null ? 1 : dilation[head];
            long distance = Math.abs(i - j);
            return distance % d == 0 && distance / d <= (Long) attributes.get("window") ? 1 : 0;
        }
        int block = (int) (long) (Long) attributes.get("block_size");
        int r = (int) (long) (Long) attributes.get("random_blocks");
        int blocks = (n + block - 1) / block;
        if (n <= (5 + 2 * r) * block) {
            return 1;  // Hugging Face's full-attention fallback
        }
        int qb = i / block;
        int kb = j / block;
        if (qb == 0 || qb == blocks - 1) {
            return 1;
        }
        int count = kb == qb - 1 || kb == qb || kb == qb + 1 || kb == 0 || kb == blocks - 1 ? 1 : 0;
        for (int k = 0; k < r; k++) {
            long listed = layout == null ? 0 : layout[(head * (blocks - 2) + qb - 1) * r + k];
            count += listed == kb ? 1 : 0;
        }
        return count;
    }

    float[] reference() {
        float[] out = new float[batch * n * hidden];
        double scale = 1.0 / Math.sqrt(headDim);
        double[] weight = new double[n];
        for (int b = 0; b < batch; b++) {
            for (int head = 0; head < heads; head++) {
                for (int i = 0; i < n; i++) {
                    if (token(b, i) == false) {
                        continue;  // padding query rows are 0
                    }
                    boolean projected = isGlobal(b, i) && queryGlobal != null;
                    float[] q = projected ? queryGlobal : query;
                    float[] k = projected ? keyGlobal : key;
                    float[] v = projected ? valueGlobal : value;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        int c = multiplicity(b, head, i, j);
                        weight[j] = Double.NEGATIVE_INFINITY;
                        if (c > 0) {
                            double s = 0;
                            for (int x = 0; x < headDim; x++) {
                                s += (double) q[(b * n + i) * hidden + head * headDim + x] * k[(b * n + j) * hidden + head * headDim + x];
                            }
                            weight[j] = s * scale + Math.log(c);
                            max = Math.max(max, weight[j]);
                        }
                    }
                    double total = 0;
                    for (int j = 0; j < n; j++) {
                        weight[j] = Math.exp(weight[j] - max);
                        total += weight[j];
                    }
                    for (int x = 0; x < headDim; x++) {
                        double acc = 0;
                        for (int j = 0; j < n; j++) {
                            acc += weight[j] * v[(b * n + j) * hidden + head * headDim + x];
                        }
                        out[(b * n + i) * hidden + head * headDim + x] = (float) (acc / total);
                    }
                }
            }
        }
        return out;
    }
}
