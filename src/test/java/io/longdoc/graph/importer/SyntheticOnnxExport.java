package io.longdoc.graph.importer;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A small BERT graph laid out the way exporters lay them out — scoped node names and anonymous MatMul weights
 * (PyTorch 2), or unscoped names with named weights behind a Transpose (older exporters); decomposed LayerNorm or
 * the LayerNormalization op; float32, float16, int8 QDQ or ONNX Runtime's dynamic quantisation (MatMulInteger);
 * BERT or RoBERTa positions. Only the structure the importer reads is built; the graph is not meant to run.
 * {@link #expected} holds every weight as the importer must return it ([in, out]).
 */
final class SyntheticOnnxExport {

    enum Weights { FLOAT, FLOAT16, QDQ, DYNAMIC }

    final int hidden = 8, heads = 2, intermediate = 12, layers = 2, vocab = 20, positions = 16;
    final float epsilon = 1e-7f;
    final Map<String, float[]> expected = new LinkedHashMap<>();

    private final Random random = new Random(21);
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("synthetic");
    private final boolean scoped;
    private final boolean layerNormOp;
    private final Weights weights;
    private final String scopePrefix;
    private int counter;

    SyntheticOnnxExport(boolean scoped, boolean layerNormOp, Weights weights, String scopePrefix) {
        this.scoped = scoped;
        this.layerNormOp = layerNormOp;
        this.weights = weights;
        this.scopePrefix = scopePrefix;
    }

    ModelProto build(boolean roberta, boolean qaHead) {
        String positionIds = roberta ? robertaPositions(1) : constant("/embeddings/Constant", longs(new long[positions], 1, positions));
        String words = gather("embeddings.word_embeddings", vocab, "input_ids");
        String pos = gather("embeddings.position_embeddings", positions, positionIds);
        String types = gather("embeddings.token_type_embeddings", 2, "token_type_ids");
        String x = layerNorm("embeddings.LayerNorm", add("/embeddings/Add_1", add("/embeddings/Add", words, types), pos));
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layer." + l + ".";
            String q = split(p + "attention.self", linear(p + "attention.self.query", x, hidden, hidden));
            String k = split(p + "attention.self", linear(p + "attention.self.key", x, hidden, hidden));
            String v = split(p + "attention.self", linear(p + "attention.self.value", x, hidden, hidden));
            String scores = node("MatMul", p + "attention.self", "MatMul", q, k);
            String scaled = node("Div", p + "attention.self", "Div", scores, constant(scope(p + "attention.self") + "/Constant_12", floats((float) Math.sqrt(hidden / heads))));
            String context = node("MatMul", p + "attention.self", "MatMul_1", node("Softmax", p + "attention.self", "Softmax", scaled), v);
            String attention = linear(p + "attention.output.dense", context, hidden, hidden);
            String h = layerNorm(p + "attention.output.LayerNorm", add(scope(p + "attention.output") + "/Add", attention, x));
            String up = linear(p + "intermediate.dense", h, hidden, intermediate);
            String gelu = node("Erf", p + "intermediate.intermediate_act_fn", "Erf",
                node("Div", p + "intermediate.intermediate_act_fn", "Div", up, constant(scope(p + "intermediate.intermediate_act_fn") + "/Constant", floats(1.4142135f))));
            String down = linear(p + "output.dense", gelu, intermediate, hidden);
            x = layerNorm(p + "output.LayerNorm", add(scope(p + "output") + "/Add", down, h));
        }
        if (qaHead) {
            x = linear("qa_outputs", x, hidden, 2);
        }
        graph.addOutput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName(x));
        return ModelProto.newBuilder()
            .setIrVersion(8)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(layerNormOp ? 17 : 11))
            .setGraph(graph)
            .build();
    }

    /** A com.microsoft fused op, as ONNX Runtime's transformer optimiser leaves behind. */
    void addFusedAttention() {
        graph.addNode(NodeProto.newBuilder().setOpType("Attention").setDomain("com.microsoft").setName("Attention_0").addInput("x").addOutput("y"));
    }

    // --- module builders -------------------------------------------------------------------------------------

    private String gather(String module, int rows, String indices) {
        float[] table = randomValues(rows * hidden);
        expected.put(module + ".weight", table);
        String name = module + ".weight";
        graph.addInitializer(floatTensor(name, table, rows, hidden));
        return node("Gather", module, "Gather", name, indices);
    }

    /** x · W + b, W [in, out], in the chosen weight format. */
    private String linear(String module, String x, int in, int out) {
        float[] bias = randomValues(out);
        expected.put(module + ".bias", bias);
        String biasName = module + ".bias";
        graph.addInitializer(floatTensor(biasName, bias, out));
        String product = switch (weights) {
            case FLOAT, FLOAT16 -> node("MatMul", module, "MatMul", x, floatWeight(module, in, out));
            case QDQ -> node("MatMul", module, "MatMul", x, qdqWeight(module, in, out));
            case DYNAMIC -> dynamicMatMul(module, x, in, out);
        };
        return node("Add", module, "Add", biasName, product);
    }

    private String floatWeight(String module, int in, int out) {
        float[] w = randomValues(in * out);
        expected.put(module + ".weight", w);
        if (scoped) {
            String name = "onnx::MatMul_" + (1000 + counter++); // PyTorch 2 stores the transposed copy anonymously
            graph.addInitializer(floatTensor(name, w, in, out));
            return name;
        }
        // Older exporters: the parameter under its own name, [out, in], transposed in the graph.
        String name = module + ".weight";
        graph.addInitializer(floatTensor(name, io.longdoc.graph.FloatTensor.of(w, in, out).transpose2d().data(), out, in));
        return node("Transpose", module, "Transpose", name);
    }

    /** int8 weights with a power-of-two scale per output column, so the dequantised values are exact. */
    private String qdqWeight(String module, int in, int out) {
        byte[] q = new byte[in * out];
        float[] scales = new float[out];
        float[] w = new float[in * out];
        for (int c = 0; c < out; c++) {
            scales[c] = c % 2 == 0 ? 1f / 32 : 1f / 64;
        }
        for (int i = 0; i < q.length; i++) {
            q[i] = (byte) (random.nextInt(255) - 127);
            w[i] = q[i] * scales[i % out];
        }
        expected.put(module + ".weight", w);
        String name = "onnx::MatMul_" + (1000 + counter++) + "_quantized";
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT8_VALUE).addDims(in).addDims(out).setRawData(ByteString.copyFrom(q)));
        graph.addInitializer(floatTensor(name + "_scale", scales, out));
        graph.addInitializer(TensorProto.newBuilder().setName(name + "_zero_point").setDataType(TensorProto.DataType.INT8_VALUE).addDims(out).setRawData(ByteString.copyFrom(new byte[out])));
        NodeProto.Builder dq = NodeProto.newBuilder().setOpType("DequantizeLinear").setName(name + "_DequantizeLinear")
            .addInput(name).addInput(name + "_scale").addInput(name + "_zero_point").addOutput(name + "_dequantized")
            .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1));
        graph.addNode(dq);
        return name + "_dequantized";
    }

    /** ONNX Runtime's quantize_dynamic: uint8 weight, per-tensor zero point 128 and scale. */
    private String dynamicMatMul(String module, String x, int in, int out) {
        byte[] q = new byte[in * out];
        float scale = 1f / 128;
        float[] w = new float[in * out];
        for (int i = 0; i < q.length; i++) {
            int value = random.nextInt(256);
            q[i] = (byte) value;
            w[i] = (value - 128) * scale;
        }
        expected.put(module + ".weight", w);
        String name = "onnx::MatMul_" + (1000 + counter++) + "_quantized";
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.UINT8_VALUE).addDims(in).addDims(out).setRawData(ByteString.copyFrom(q)));
        graph.addInitializer(floatTensor(name + "_scale", new float[] { scale }));
        graph.addInitializer(TensorProto.newBuilder().setName(name + "_zero_point").setDataType(TensorProto.DataType.UINT8_VALUE).setRawData(ByteString.copyFrom(new byte[] { (byte) 128 })));
        String base = scope(module) + "/MatMul";
        graph.addNode(NodeProto.newBuilder().setOpType("DynamicQuantizeLinear").setName(base + "_QuantizeLinear").addInput(x)
            .addOutput(base + "_x_q").addOutput(base + "_x_scale").addOutput(base + "_x_zp"));
        graph.addNode(NodeProto.newBuilder().setOpType("MatMulInteger").setName(base + "_quant").addInput(base + "_x_q").addInput(name)
            .addInput(base + "_x_zp").addInput(name + "_zero_point").addOutput(base + "_int"));
        graph.addNode(NodeProto.newBuilder().setOpType("Cast").setName(base + "_cast").addInput(base + "_int").addOutput(base + "_float")
            .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT).setI(1)));
        graph.addNode(NodeProto.newBuilder().setOpType("Mul").setName(base + "_scales_mul").addInput(base + "_x_scale").addInput(name + "_scale").addOutput(base + "_scales"));
        graph.addNode(NodeProto.newBuilder().setOpType("Mul").setName(base + "_output_scale_mul").addInput(base + "_float").addInput(base + "_scales").addOutput(base + "_out"));
        return base + "_out";
    }

    private String layerNorm(String module, String x) {
        float[] gamma = randomValues(hidden);
        float[] beta = randomValues(hidden);
        expected.put(module + ".weight", gamma);
        expected.put(module + ".bias", beta);
        graph.addInitializer(floatTensor(module + ".weight", gamma, hidden));
        graph.addInitializer(floatTensor(module + ".bias", beta, hidden));
        if (layerNormOp) {
            String out = name(module, "LayerNormalization");
            graph.addNode(NodeProto.newBuilder().setOpType("LayerNormalization").setName(out).addInput(x).addInput(module + ".weight").addInput(module + ".bias")
                .addOutput(out + "_output_0")
                .addAttribute(AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT).setF(epsilon))
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(-1)));
            return out + "_output_0";
        }
        String mean = node("ReduceMean", module, "ReduceMean", x);
        String centred = node("Sub", module, "Sub", x, mean);
        String variance = node("ReduceMean", module, "ReduceMean_1", node("Pow", module, "Pow", centred, constant(scope(module) + "/Constant", floats(2f))));
        String std = node("Sqrt", module, "Sqrt", node("Add", module, "Add", variance, constant(scope(module) + "/Constant_1", floats(epsilon))));
        String normed = node("Div", module, "Div", centred, std);
        return node("Add", module, "Add_1", node("Mul", module, "Mul", normed, module + ".weight"), module + ".bias");
    }

    /** Reshape to [batch, seq, heads, head_dim] through Concat of two dynamic dims and two constants. */
    private String split(String module, String x) {
        String n = String.valueOf(counter++);
        String concat = node("Concat", module, "Concat_" + n,
            node("Unsqueeze", module, "Unsqueeze_" + n, x),
            node("Unsqueeze", module, "Unsqueeze_b" + n, x),
            constant(scope(module) + "/Constant_h" + n, longs(new long[] { heads }, 1)),
            constant(scope(module) + "/Constant_d" + n, longs(new long[] { hidden / heads }, 1)));
        return node("Reshape", module, "Reshape_" + n, x, concat);
    }

    /** cumsum(input_ids != pad) · mask + pad, as the RoBERTa export computes positions. */
    private String robertaPositions(int pad) {
        String padConst = constant("/embeddings/Constant", longs(new long[] { pad }));
        String equal = node("Equal", "embeddings", "Equal", "input_ids", padConst);
        String mask = node("Cast", "embeddings", "Cast", node("Not", "embeddings", "Not", equal));
        String cumsum = node("CumSum", "embeddings", "CumSum", mask, constant("/embeddings/Constant_1", longs(new long[] { 1 })));
        return node("Add", "embeddings", "Add_pos", node("Mul", "embeddings", "Mul", cumsum, mask), padConst);
    }

    // --- graph plumbing --------------------------------------------------------------------------------------

    private String node(String op, String module, String local, String... inputs) {
        String name = name(module, local);
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(name + "_output_0");
        for (String input : inputs) {
            node.addInput(input);
        }
        graph.addNode(node);
        return name + "_output_0";
    }

    private String add(String name, String a, String b) {
        graph.addNode(NodeProto.newBuilder().setOpType("Add").setName(scoped ? name : "Add_" + counter++).addInput(a).addInput(b).addOutput(name + "_output_0"));
        return name + "_output_0";
    }

    /** /encoder/layer.0/attention/self/query/MatMul when scoped, else MatMul_17. */
    private String name(String module, String local) {
        return scoped ? scope(module) + "/" + local : local.replaceAll("_.*", "") + "_" + counter++;
    }

    private String scope(String module) {
        return "/" + (scopePrefix + module).replace('.', '/').replace("/layer/", "/layer.");
    }

    private String constant(String name, TensorProto value) {
        graph.addNode(NodeProto.newBuilder().setOpType("Constant").setName(name).addOutput(name + "_output_0")
            .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(value)));
        return name + "_output_0";
    }

    private TensorProto floatTensor(String name, float[] values, int... shape) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name);
        for (int d : shape) {
            t.addDims(d);
        }
        if (weights == Weights.FLOAT16 && shape.length > 0) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                b.putShort(Float.floatToFloat16(v));
            }
            return t.setDataType(TensorProto.DataType.FLOAT16_VALUE).setRawData(ByteString.copyFrom(b.flip())).build();
        }
        if (counter % 3 == 0) {
            for (float v : values) {
                t.addFloatData(v); // some exporters use the typed field instead of raw_data
            }
            return t.setDataType(TensorProto.DataType.FLOAT_VALUE).build();
        }
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return t.setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(b.flip())).build();
    }

    private static TensorProto floats(float value) {
        return TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(value).build();
    }

    private static TensorProto longs(long[] values, int... shape) {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE);
        for (int d : shape) {
            t.addDims(d);
        }
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    /** Multiples of 1/64 in [-2, 2): exact in float16 too. */
    private float[] randomValues(int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (random.nextInt(256) - 128) / 64f;
        }
        return values;
    }
}
