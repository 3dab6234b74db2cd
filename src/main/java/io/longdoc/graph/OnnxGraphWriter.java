package io.longdoc.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends standard-op nodes and constants to an ONNX graph, giving every value a unique name. A branch writer (the
 * body of an {@code If}) puts its nodes in its own graph but its constants in the root graph, which the branch sees
 * as outer scope; names stay unique across all of them.
 * <p>
 * Float values are written in the graph's {@link Precision}: weights, constants and casts to {@code FLOAT} become
 * float16 in an fp16 graph, and its outputs are cast back to float32 at the edge. The few tensors fp16 cannot hold
 * exactly ({@link #float32Weight}) stay float32 and must only meet other float32 values.
 */
final class OnnxGraphWriter {

    static final int OPSET = 17;
    /** IR version 8 is the one that goes with opset 17. */
    private static final int IR_VERSION = 8;
    /** A Slice end meaning "to the end of the axis". */
    static final long TO_END = Long.MAX_VALUE;

    /** Protobuf cannot write a message of 2 GB or more, and this writer keeps every weight inside the model. */
    private static final long MAX_INITIALIZER_BYTES = Integer.MAX_VALUE - (64L << 20);

    private final GraphProto.Builder graph;
    private final OnnxGraphWriter root;
    private final int[] counter;
    /** FLOAT or FLOAT16: the type of weights and activations. */
    private final TensorProto.DataType floatType;
    private long initializerBytes;
    /** Opset imports besides the standard one, added by {@link #customOp} (root writer only). */
    private final Map<String, Integer> customDomains = new LinkedHashMap<>();
    /** How {@link #linear} multiplies: a MatMul in the graph's float type, or an int8 GEMM in the given form. */
    private final GemmPrecision gemms;
    private final QuantizedLinear.Form int8Form;

    OnnxGraphWriter(String name) {
        this(name, Precision.FP32, GemmPrecision.FP32, QuantizedLinear.DEFAULT_FORM);
    }

    OnnxGraphWriter(String name, Precision precision) {
        this(name, precision, GemmPrecision.FP32, QuantizedLinear.DEFAULT_FORM);
    }

    OnnxGraphWriter(String name, Precision precision, GemmPrecision gemms, QuantizedLinear.Form int8Form) {
        this.graph = GraphProto.newBuilder().setName(name);
        this.root = this;
        this.counter = new int[1];
        this.floatType = precision == Precision.FP16 ? TensorProto.DataType.FLOAT16 : TensorProto.DataType.FLOAT;
        this.gemms = gemms;
        this.int8Form = int8Form;
    }

    private OnnxGraphWriter(OnnxGraphWriter parent, String name) {
        this.root = parent.root;
        this.counter = parent.counter;
        this.floatType = parent.floatType;
        this.graph = GraphProto.newBuilder().setName(fresh(name));
        this.gemms = parent.gemms;
        this.int8Form = parent.int8Form;
    }

    OnnxGraphWriter branch(String name) {
        return new OnnxGraphWriter(this, name);
    }

    /** The finished body of a branch that yields one float tensor (of the graph's precision). */
    GraphProto branchGraph(String output) {
        return branchGraph(output, TensorProto.DataType.FLOAT);
    }

    /** The finished body of a branch that yields one tensor of the given type ({@code FLOAT}: the graph's precision). */
    GraphProto branchGraph(String output, TensorProto.DataType type) {
        graph.addOutput(valueInfo(output, activation(type), null));
        return graph.build();
    }

    byte[] toModelBytes() {
        ModelProto.Builder model = ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .setProducerName("longdoc")
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
        customDomains.forEach((domain, version) -> model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version)));
        return model.setGraph(graph).build().toByteArray();
    }

    private String fresh(String hint) {
        return hint + "_" + counter[0]++;
    }

    // ---- graph inputs, outputs, constants

    /** A graph input; each dim is a number or a symbolic name (dynamic). */
    String input(String name, TensorProto.DataType type, String... dims) {
        graph.addInput(valueInfo(name, type, dims));
        return name;
    }

    /** A graph output; a float one is float32 whatever the graph's precision (the cast back is added here). */
    void output(String value, String name, TensorProto.DataType type, String... dims) {
        if (type == TensorProto.DataType.FLOAT && floatType != TensorProto.DataType.FLOAT) {
            value = op("Cast", List.of(value), attr("to", (long) TensorProto.DataType.FLOAT.getNumber()));
        }
        graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName(name).addInput(value).addOutput(name));
        graph.addOutput(valueInfo(name, type, dims));
    }

    /** A float initializer (of the graph's precision) in the root graph under its own (unique) name, e.g. a weight. */
    String weight(String name, FloatTensor tensor) {
        return floats(name, floatType, tensor.data(), tensor.shape());
    }

    /**
     * A float32 initializer whatever the graph's precision, for values float16 cannot hold (integers above 2048,
     * magnitudes above 65504); whatever it meets must be float32 too.
     */
    String float32Weight(String name, FloatTensor tensor) {
        return floats(name, TensorProto.DataType.FLOAT, tensor.data(), tensor.shape());
    }

    String floats(float[] values, int... shape) {
        return floats(fresh("const"), floatType, values, shape);
    }

    private String floats(String name, TensorProto.DataType type, float[] values, int... shape) {
        int width = type == TensorProto.DataType.FLOAT16 ? 2 : Float.BYTES;
        root.initializerBytes += (long) values.length * width;
        if (root.initializerBytes > MAX_INITIALIZER_BYTES) {
            throw new IllegalArgumentException("the weights exceed the 2 GB an ONNX model can hold without external data");
        }
        ByteBuffer bytes = ByteBuffer.allocate(values.length * width).order(ByteOrder.LITTLE_ENDIAN);
        if (type == TensorProto.DataType.FLOAT16) {
            for (float value : values) {
                bytes.putShort(toFloat16(value));
            }
        } else {
            bytes.asFloatBuffer().put(values);
        }
        TensorProto.Builder tensor = TensorProto.newBuilder()
            .setName(name)
            .setDataType(type.getNumber())
            .setRawData(ByteString.copyFrom(bytes.array()));
        for (int dim : shape) {
            tensor.addDims(dim);
        }
        root.graph.addInitializer(tensor);
        return name;
    }

    /** An int8 initializer in the root graph under its own (unique) name: a quantized weight. */
    String int8s(String name, byte[] values, int... shape) {
        root.initializerBytes += values.length;
        if (root.initializerBytes > MAX_INITIALIZER_BYTES) {
            throw new IllegalArgumentException("the weights exceed the 2 GB an ONNX model can hold without external data");
        }
        TensorProto.Builder tensor = TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.INT8.getNumber())
            .setRawData(ByteString.copyFrom(values));
        for (int dim : shape) {
            tensor.addDims(dim);
        }
        root.graph.addInitializer(tensor);
        return name;
    }

    String floatScalar(float value) {
        return floats(new float[] { value });
    }

    /** A float32 scalar whatever the graph's precision, to meet a {@link #float32Weight}. */
    String float32Scalar(float value) {
        return floats(fresh("const"), TensorProto.DataType.FLOAT, new float[] { value });
    }

    /**
     * Rounds to the nearest float16, clamping to its finite range: a mask value such as -1e9 must stay finite, or a
     * row that sees no key would take the softmax of all -inf (NaN) instead of a uniform row.
     */
    static short toFloat16(float value) {
        return Float.floatToFloat16(Math.max(-FLOAT16_MAX, Math.min(FLOAT16_MAX, value)));
    }

    static final float FLOAT16_MAX = 65504f;

    /** A 1-D int64 constant, the form shapes, axes and pads take. */
    String longs(long... values) {
        return longTensor(values, new long[] { values.length });
    }

    String longScalar(long value) {
        return longTensor(new long[] { value }, new long[0]);
    }

    /** An int64 constant of any shape, e.g. an empty one ({@code values} holds the product of {@code dims}). */
    String longTensor(long[] values, long... dims) {
        String name = fresh("const");
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64.getNumber());
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        for (long value : values) {
            tensor.addInt64Data(value);
        }
        root.graph.addInitializer(tensor);
        return name;
    }

    // ---- nodes

    String op(String type, List<String> inputs, AttributeProto... attributes) {
        return ops(type, 1, inputs, attributes).get(0);
    }

    List<String> ops(String type, int outputs, List<String> inputs, AttributeProto... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(type).addAllInput(inputs).addAllAttribute(Arrays.asList(attributes));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            String name = fresh(type.toLowerCase(java.util.Locale.ROOT));
            node.addOutput(name);
            names.add(name);
        }
        graph.addNode(node.setName(names.get(0)));
        return names;
    }

    /**
     * A node of a custom domain, which the model then imports at {@code version}. An empty input name marks an
     * optional input left out.
     */
    String customOp(String domain, int version, String type, List<String> inputs, AttributeProto... attributes) {
        Integer imported = root.customDomains.putIfAbsent(domain, version);
        if (imported != null && imported != version) {
            throw new IllegalStateException("domain [" + domain + "] is imported at version " + imported + ", not " + version);
        }
        String name = fresh(type.toLowerCase(java.util.Locale.ROOT));
        graph.addNode(
            NodeProto.newBuilder().setOpType(type).setDomain(domain).setName(name).addAllInput(inputs).addOutput(name).addAllAttribute(Arrays.asList(attributes))
        );
        return name;
    }

    static AttributeProto attr(String name, String value) {
        return AttributeProto.newBuilder()
            .setName(name)
            .setType(AttributeProto.AttributeType.STRING)
            .setS(ByteString.copyFromUtf8(value))
            .build();
    }

    static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    static AttributeProto attr(String name, GraphProto value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(value).build();
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long value : values) {
            attribute.addInts(value);
        }
        return attribute.build();
    }

    // ---- the ops the encoder uses

    String add(String a, String b) {
        return op("Add", List.of(a, b));
    }

    String sub(String a, String b) {
        return op("Sub", List.of(a, b));
    }

    String mul(String a, String b) {
        return op("Mul", List.of(a, b));
    }

    String div(String a, String b) {
        return op("Div", List.of(a, b));
    }

    String matMul(String a, String b) {
        return op("MatMul", List.of(a, b));
    }

    /**
     * y = x · weight + bias with the weights as named initializers, in the writer's precision: an fp32 MatMul, or an
     * int8 GEMM ({@link QuantizedLinear}).
     */
    String linear(String x, Linear linear, String name) {
        return gemms == GemmPrecision.INT8 ? QuantizedLinear.apply(this, int8Form, x, linear, name) : fp32Linear(x, linear, name);
    }

    /**
     * x · weight with its bias not yet added, for the op that comes next to add it in its own pass (SkipLayerNorm's
     * bias input, BiasGelu): {@code bias} is null where the product already holds it (an int8 GEMM adds it itself).
     */
    record Projection(String product, String bias) {}

    Projection projection(String x, Linear linear, String name) {
        if (gemms == GemmPrecision.INT8) {
            return new Projection(QuantizedLinear.apply(this, int8Form, x, linear, name), null);
        }
        return new Projection(matMul(x, weight(name + ".weight", linear.weight())), weight(name + ".bias", linear.bias()));
    }

    /** y = x · weight + bias in fp32 whatever the writer's precision (a head whose few outputs are the answer). */
    String fp32Linear(String x, Linear linear, String name) {
        return add(matMul(x, weight(name + ".weight", linear.weight())), weight(name + ".bias", linear.bias()));
    }

    String layerNorm(String x, LayerNormWeights norm, float epsilon, String name) {
        return op(
            "LayerNormalization",
            List.of(x, weight(name + ".gamma", norm.gamma()), weight(name + ".beta", norm.beta())),
            attr("axis", -1L),
            attr("epsilon", epsilon)
        );
    }

    /**
     * LayerNorm(x + bias + skip) as ONNX Runtime's contrib {@code com.microsoft.SkipLayerNormalization}: the residual add and
     * the norm in one pass over the hidden states instead of two.
     */
    String skipLayerNorm(Projection x, String skip, LayerNormWeights norm, float epsilon, String name) {
        List<String> inputs = new ArrayList<>(List.of(x.product(), skip, weight(name + ".gamma", norm.gamma()), weight(name + ".beta", norm.beta())));
        if (x.bias() != null) {
            inputs.add(x.bias()); // LayerNorm(x + skip + bias): the projection's bias added in the same pass
        }
        return customOp("com.microsoft", 1, "SkipLayerNormalization", inputs, attr("epsilon", epsilon));
    }

    String reshape(String x, long... shape) {
        return reshape(x, longs(shape));
    }

    String reshape(String x, String shape) {
        return op("Reshape", List.of(x, shape));
    }

    String transpose(String x, long... perm) {
        return op("Transpose", List.of(x), ints("perm", perm));
    }

    /** Swaps the last two axes of a tensor of the given rank. */
    String transposeLastTwo(String x, int rank) {
        long[] perm = new long[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = i;
        }
        perm[rank - 2] = rank - 1;
        perm[rank - 1] = rank - 2;
        return transpose(x, perm);
    }

    String unsqueeze(String x, long... axes) {
        return op("Unsqueeze", List.of(x, longs(axes)));
    }

    /** Drops every axis of size 1: a [1] tensor becomes a scalar. */
    String squeeze(String x) {
        return op("Squeeze", List.of(x));
    }

    String squeeze(String x, long... axes) {
        return op("Squeeze", List.of(x, longs(axes)));
    }

    String concat(long axis, String... inputs) {
        return op("Concat", List.of(inputs), attr("axis", axis));
    }

    String slice(String x, long axis, long start, long end) {
        return op("Slice", List.of(x, longs(start), longs(end), longs(axis)));
    }

    /** Slice with start and end given as [1] int64 tensors. */
    String slice(String x, long axis, String start, String end) {
        return op("Slice", List.of(x, start, end, longs(axis)));
    }

    String gather(String data, String indices, long axis) {
        return op("Gather", List.of(data, indices), attr("axis", axis));
    }

    String where(String condition, String ifTrue, String ifFalse) {
        return op("Where", List.of(condition, ifTrue, ifFalse));
    }

    /** Casts to {@code to}; {@code FLOAT} means the graph's precision (float16 in an fp16 graph). */
    String cast(String x, TensorProto.DataType to) {
        return op("Cast", List.of(x), attr("to", (long) activation(to).getNumber()));
    }

    /** The graph's float type for {@code FLOAT}, any other type as it is. */
    private TensorProto.DataType activation(TensorProto.DataType type) {
        return type == TensorProto.DataType.FLOAT ? floatType : type;
    }

    String softmax(String x) {
        return op("Softmax", List.of(x), attr("axis", -1L));
    }

    /** Size of one axis as a [1] int64 tensor. */
    String dim(String x, long axis) {
        return shape(x, axis, axis + 1);
    }

    /** Sizes of axes [start, end) as a 1-D int64 tensor. */
    String shape(String x, long start, long end) {
        return op("Shape", List.of(x), attr("start", start), attr("end", end));
    }

    /** [start, limit) in steps of 1; start and limit are int64 scalars. */
    String range(String start, String limit) {
        return op("Range", List.of(start, limit, longScalar(1)));
    }

    /** Zero-pads the end of one axis of a tensor of the given rank by {@code amount} ([1] int64). */
    String padEnd(String x, int rank, int axis, String amount) {
        String[] parts = new String[2 * rank];
        for (int i = 0; i < 2 * rank; i++) {
            parts[i] = i == rank + axis ? amount : longs(0);
        }
        return op("Pad", List.of(x, concat(0, parts)));
    }

    /** Zero-pads one axis by {@code before} and {@code after} entries on each side. */
    String pad(String x, int rank, int axis, long before, long after) {
        long[] pads = new long[2 * rank];
        pads[axis] = before;
        pads[rank + axis] = after;
        return op("Pad", List.of(x, longs(pads)));
    }

    /** Indices of the k largest values along an axis, largest first; k is a [1] int64 tensor. */
    String topKIndices(String x, String k, long axis) {
        return ops("TopK", 2, List.of(x, k), attr("axis", axis), attr("largest", 1L), attr("sorted", 1L)).get(1);
    }

    String ifThenElse(String condition, GraphProto thenBranch, GraphProto elseBranch) {
        return op("If", List.of(condition), attr("then_branch", thenBranch), attr("else_branch", elseBranch));
    }

    private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, String[] dims) {
        TypeProto.Tensor.Builder tensor = TypeProto.Tensor.newBuilder().setElemType(type.getNumber());
        if (dims != null) {
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (String dim : dims) {
                TensorShapeProto.Dimension.Builder dimension = TensorShapeProto.Dimension.newBuilder();
                if (dim.chars().allMatch(Character::isDigit)) {
                    dimension.setDimValue(Long.parseLong(dim));
                } else {
                    dimension.setDimParam(dim);
                }
                shape.addDim(dimension);
            }
            tensor.setShape(shape);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }
}
