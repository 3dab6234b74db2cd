package io.longdoc.graph.importer;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ONNX graph indexed for pattern matching: who produces and who consumes each value, and which values are
 * constants. Constants are initializers and {@code Constant} nodes, also seen through the ops exporters put between
 * a stored weight and its use (Identity, Cast, a 2-D Transpose, DequantizeLinear), so an int8 QDQ weight reads as
 * its float values.
 */
final class OnnxGraph {

    /**
     * A constant value: exactly one of floats and ints is set.
     *
     * @param origin the initializer (or Constant node output) it was read from, for names and error messages
     */
    record Value(String origin, int[] shape, float[] floats, long[] ints) {
        int rank() {
            return shape.length;
        }

        int size() {
            return floats != null ? floats.length : ints.length;
        }

        boolean isFloat() {
            return floats != null;
        }

        /** The only element of a one-element value. */
        double scalar() {
            return scalarAt(0);
        }

        double scalarAt(int i) {
            return floats != null ? floats[i] : ints[i];
        }
    }

    private final GraphProto graph;
    private final Path baseDir;
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Map<String, Optional<Value>> constants = new HashMap<>();

    /** @param baseDir the model's folder, where external tensor data lives (null: none allowed) */
    OnnxGraph(GraphProto graph, Path baseDir) {
        this.graph = graph;
        this.baseDir = baseDir;
        for (TensorProto initializer : graph.getInitializerList()) {
            initializers.put(initializer.getName(), initializer);
        }
        for (NodeProto node : graph.getNodeList()) {
            for (String output : node.getOutputList()) {
                producers.put(output, node);
            }
            for (String input : node.getInputList()) {
                if (input.isEmpty() == false) {
                    consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
                }
            }
        }
    }

    List<NodeProto> nodes() {
        return graph.getNodeList();
    }

    NodeProto producer(String value) {
        return producers.get(value);
    }

    List<NodeProto> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /** Input {@code i} of a node, or null when the node has fewer inputs or leaves it empty (optional inputs). */
    static String input(NodeProto node, int i) {
        return i < node.getInputCount() && node.getInput(i).isEmpty() == false ? node.getInput(i) : null;
    }

    /** The value {@code name} when it is a constant, else null. */
    Value constant(String name) {
        if (name == null) {
            return null;
        }
        Optional<Value> cached = constants.get(name);
        if (cached == null) {
            try {
                cached = Optional.ofNullable(resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            constants.put(name, cached);
        }
        return cached.orElse(null);
    }

    /** The value {@code name} when it is a float constant, else null. */
    Value floatConstant(String name) {
        Value value = constant(name);
        return value != null && value.isFloat() ? value : null;
    }

    private Value resolve(String name) throws IOException {
        TensorProto initializer = initializers.get(name);
        if (initializer != null) {
            return decode(initializer, name);
        }
        NodeProto node = producers.get(name);
        if (node == null) {
            return null; // a graph input
        }
        return switch (node.getOpType()) {
            case "Constant" -> constantNode(node, name);
            case "Identity" -> constant(input(node, 0));
            case "Cast" -> cast(node);
            case "Transpose" -> transpose(node);
            case "DequantizeLinear" -> dequantize(node);
            default -> null;
        };
    }

    private Value decode(TensorProto tensor, String origin) throws IOException {
        int type = tensor.getDataType();
        if (OnnxTensors.isFloat(type)) {
            return new Value(origin, OnnxTensors.shape(tensor), OnnxTensors.floats(tensor, baseDir), null);
        }
        if (OnnxTensors.isInteger(type)) {
            return new Value(origin, OnnxTensors.shape(tensor), null, OnnxTensors.integers(tensor, baseDir));
        }
        return null; // strings and the like never hold weights
    }

    private Value constantNode(NodeProto node, String origin) throws IOException {
        for (AttributeProto attribute : node.getAttributeList()) {
            switch (attribute.getName()) {
                case "value":
                    return decode(attribute.getT(), origin);
                case "value_float":
                    return new Value(origin, new int[0], new float[] { attribute.getF() }, null);
                case "value_floats":
                    float[] floats = new float[attribute.getFloatsCount()];
                    for (int i = 0; i < floats.length; i++) {
                        floats[i] = attribute.getFloats(i);
                    }
                    return new Value(origin, new int[] { floats.length }, floats, null);
                case "value_int":
                    return new Value(origin, new int[0], null, new long[] { attribute.getI() });
                case "value_ints":
                    long[] ints = attribute.getIntsList().stream().mapToLong(Long::longValue).toArray();
                    return new Value(origin, new int[] { ints.length }, null, ints);
                default:
                    break;
            }
        }
        return null;
    }

    private Value cast(NodeProto node) {
        Value in = constant(input(node, 0));
        if (in == null) {
            return null;
        }
        int to = (int) intAttribute(node, "to", TensorProto.DataType.FLOAT_VALUE);
        if (OnnxTensors.isFloat(to)) {
            if (in.isFloat()) {
                return in;
            }
            float[] out = new float[in.ints().length];
            for (int i = 0; i < out.length; i++) {
                out[i] = in.ints()[i];
            }
            return new Value(in.origin(), in.shape(), out, null);
        }
        if (OnnxTensors.isInteger(to) && in.isFloat() == false) {
            return in;
        }
        return null;
    }

    private Value transpose(NodeProto node) {
        Value in = constant(input(node, 0));
        if (in == null || in.isFloat() == false || in.rank() != 2) {
            return null;
        }
        long[] perm = intsAttribute(node, "perm");
        if (perm != null && Arrays.equals(perm, new long[] { 0, 1 })) {
            return in;
        }
        var transposed = io.longdoc.graph.FloatTensor.of(in.floats(), in.shape()).transpose2d();
        return new Value(in.origin(), transposed.shape(), transposed.data(), null);
    }

    /** y = (x − zero_point) · scale, per tensor or per axis. */
    private Value dequantize(NodeProto node) {
        Value x = constant(input(node, 0));
        Value scale = floatConstant(input(node, 1));
        Value zeroPoint = constant(input(node, 2));
        if (x == null || x.isFloat() || scale == null) {
            return null;
        }
        if (intAttribute(node, "block_size", 0) != 0) {
            throw new IllegalArgumentException("DequantizeLinear [" + node.getName() + "] uses block quantization, which is not supported");
        }
        int axis = (int) intAttribute(node, "axis", 1);
        if (axis < 0) {
            axis += x.rank();
        }
        int channels = scale.size();
        int stride = 1;
        if (channels > 1) {
            if (axis < 0 || axis >= x.rank() || x.shape()[axis] != channels) {
                throw new IllegalArgumentException(
                    "DequantizeLinear [" + node.getName() + "]: " + channels + " scales do not match axis " + axis + " of " + Arrays.toString(x.shape())
                );
            }
            for (int a = axis + 1; a < x.rank(); a++) {
                stride *= x.shape()[a];
            }
        }
        if (zeroPoint != null && zeroPoint.size() != channels) {
            throw new IllegalArgumentException("DequantizeLinear [" + node.getName() + "]: " + zeroPoint.size() + " zero points for " + channels + " scales");
        }
        float[] out = new float[x.ints().length];
        for (int i = 0; i < out.length; i++) {
            int c = channels == 1 ? 0 : (i / stride) % channels;
            double zero = zeroPoint == null ? 0 : zeroPoint.isFloat() ? zeroPoint.floats()[c] : zeroPoint.ints()[c];
            out[i] = (float) ((x.ints()[i] - zero) * scale.floats()[c]);
        }
        return new Value(x.origin(), x.shape(), out, null);
    }

    static long intAttribute(NodeProto node, String name, long defaultValue) {
        for (AttributeProto attribute : node.getAttributeList()) {
            if (attribute.getName().equals(name)) {
                return attribute.getI();
            }
        }
        return defaultValue;
    }

    static float floatAttribute(NodeProto node, String name, float defaultValue) {
        for (AttributeProto attribute : node.getAttributeList()) {
            if (attribute.getName().equals(name)) {
                return attribute.getF();
            }
        }
        return defaultValue;
    }

    static long[] intsAttribute(NodeProto node, String name) {
        for (AttributeProto attribute : node.getAttributeList()) {
            if (attribute.getName().equals(name)) {
                return attribute.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        return null;
    }
}
