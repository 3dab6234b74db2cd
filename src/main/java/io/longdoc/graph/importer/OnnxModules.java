package io.longdoc.graph.importer;

import ai.onnx.proto.OnnxMl.NodeProto;

import io.longdoc.graph.FloatTensor;
import io.longdoc.graph.importer.OnnxGraph.Value;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the parameterised modules of an exported PyTorch model in its ONNX graph — linear layers, LayerNorms,
 * embedding tables — and names each by its PyTorch module path ({@code encoder.layer.0.attention.self.query}).
 * The path comes from the exporter's node scope ({@code /encoder/layer.0/attention/self/query/MatMul}); in graphs
 * without scoped node names it comes from the parameter's initializer name ({@code ...query.bias}). Weights are
 * often anonymous ({@code onnx::MatMul_1234}: the transposed copy PyTorch stores for MatMul), so they are always
 * found through the node that uses them, never by name alone.
 */
final class OnnxModules {

    sealed interface Module {
        String node();
    }

    /** y = x · weight + bias with weight [in, out]; bias is null when none was found. */
    record LinearModule(Value weight, Value bias, String node) implements Module {}

    record NormModule(Value gamma, Value beta, float epsilon, String node) implements Module {}

    record EmbeddingModule(Value table, String node) implements Module {}

    /** Ops from ORT's transformer optimiser and static quantisation that hide weights inside fused kernels. */
    private static final Set<String> FUSED_OPS = Set.of(
        "Attention",
        "MultiHeadAttention",
        "QAttention",
        "EmbedLayerNormalization",
        "SkipLayerNormalization",
        "SkipSimplifiedLayerNormalization",
        "BiasGelu",
        "FastGelu",
        "FusedMatMul",
        "MatMulNBits",
        "QGemm",
        "QLinearMatMul",
        "QLinearAdd",
        "QOrderedMatMul"
    );

    private final OnnxGraph graph;
    private final String source;
    private final Map<String, Module> modules = new LinkedHashMap<>();

    private OnnxModules(OnnxGraph graph, String source) {
        this.graph = graph;
        this.source = source;
    }

    /** Module path → module; {@code source} names the file in errors. */
    static Map<String, Module> collect(OnnxGraph graph, String source) {
        OnnxModules collector = new OnnxModules(graph, source);
        collector.rejectFusedOps();
        for (NodeProto node : graph.nodes()) {
            collector.visit(node);
        }
        return collector.modules;
    }

    private void rejectFusedOps() {
        Set<String> fused = new TreeSet<>();
        for (NodeProto node : graph.nodes()) {
            if (FUSED_OPS.contains(node.getOpType())) {
                fused.add(node.getOpType());
            }
        }
        if (fused.isEmpty() == false) {
            throw new IllegalArgumentException(
                "[" + source + "] uses fused or statically quantised ops " + fused + " that hide the weights; use a plain export (float32, "
                    + "or dynamically quantised int8) without ONNX Runtime's transformer optimisations"
            );
        }
    }

    private void visit(NodeProto node) {
        switch (node.getOpType()) {
            case "MatMul" -> matMul(node);
            case "Gemm" -> gemm(node);
            case "MatMulInteger" -> matMulInteger(node);
            case "DynamicQuantizeMatMul" -> dynamicQuantizeMatMul(node);
            case "Gather" -> gather(node);
            case "LayerNormalization" -> layerNormalization(node);
            case "Sqrt" -> decomposedLayerNorm(node);
            default -> {}
        }
    }

    private void matMul(NodeProto node) {
        Value weight = graph.floatConstant(OnnxGraph.input(node, 1));
        if (weight == null || weight.rank() != 2) {
            return; // activations times activations: the attention products
        }
        addLinear(node, weight, biasAfter(node.getOutput(0), weight.shape()[1]));
    }

    private void gemm(NodeProto node) {
        Value weight = graph.floatConstant(OnnxGraph.input(node, 1));
        if (weight == null || weight.rank() != 2) {
            return;
        }
        if (OnnxGraph.intAttribute(node, "transA", 0) != 0
            || OnnxGraph.floatAttribute(node, "alpha", 1f) != 1f
            || OnnxGraph.floatAttribute(node, "beta", 1f) != 1f) {
            throw new IllegalArgumentException("Gemm [" + node.getName() + "] in [" + source + "] uses transA/alpha/beta, which a linear layer never does");
        }
        if (OnnxGraph.intAttribute(node, "transB", 0) != 0) {
            FloatTensor t = FloatTensor.of(weight.floats(), weight.shape()).transpose2d();
            weight = new Value(weight.origin(), t.shape(), t.data(), null);
        }
        Value bias = graph.floatConstant(OnnxGraph.input(node, 2));
        if (bias == null) {
            bias = biasAfter(node.getOutput(0), weight.shape()[1]);
        }
        addLinear(node, weight, bias);
    }

    /**
     * ONNX Runtime's dynamic quantisation: DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q, x_zp, W_zp) → Cast →
     * Mul(·, Mul(x_scale, W_scale)) → Add(bias). The weight is (W_q − W_zp) · W_scale.
     */
    private void matMulInteger(NodeProto node) {
        Value quantized = graph.constant(OnnxGraph.input(node, 1));
        if (quantized == null || quantized.isFloat() || quantized.rank() != 2) {
            return;
        }
        Value zeroPoint = graph.constant(OnnxGraph.input(node, 3));
        NodeProto cast = single(graph.consumers(node.getOutput(0)), "Cast");
        NodeProto scaleMul = cast == null ? null : single(graph.consumers(cast.getOutput(0)), "Mul");
        Value scale = null;
        if (scaleMul != null) {
            String other = otherInput(scaleMul, cast.getOutput(0));
            NodeProto combine = graph.producer(other);
            if (combine != null && combine.getOpType().equals("Mul")) {
                scale = graph.floatConstant(combine.getInput(0));
                if (scale == null) {
                    scale = graph.floatConstant(combine.getInput(1));
                }
            }
        }
        if (scale == null) {
            throw new IllegalArgumentException(
                "MatMulInteger [" + node.getName() + "] in [" + source + "]: no weight scale found (expected Cast → Mul by x_scale · w_scale)"
            );
        }
        Value weight = dequantize(node.getName(), quantized, zeroPoint, scale);
        addLinear(node, weight, biasAfter(scaleMul.getOutput(0), weight.shape()[1]));
    }

    /** The com.microsoft fusion of the pattern above: inputs A, B, b_scale, b_zero_point, bias. */
    private void dynamicQuantizeMatMul(NodeProto node) {
        Value quantized = graph.constant(OnnxGraph.input(node, 1));
        Value scale = graph.floatConstant(OnnxGraph.input(node, 2));
        if (quantized == null || quantized.isFloat() || quantized.rank() != 2 || scale == null) {
            return;
        }
        Value weight = dequantize(node.getName(), quantized, graph.constant(OnnxGraph.input(node, 3)), scale);
        Value bias = graph.floatConstant(OnnxGraph.input(node, 4));
        if (bias == null) {
            bias = biasAfter(node.getOutput(0), weight.shape()[1]);
        }
        addLinear(node, weight, bias);
    }

    /** Per-tensor or per-output-column (scale and zero point of length out) dequantisation of a [in, out] weight. */
    private Value dequantize(String nodeName, Value quantized, Value zeroPoint, Value scale) {
        int rows = quantized.shape()[0], cols = quantized.shape()[1];
        if ((scale.size() != 1 && scale.size() != cols) || (zeroPoint != null && zeroPoint.size() != 1 && zeroPoint.size() != cols)) {
            throw new IllegalArgumentException(
                "[" + nodeName + "] in [" + source + "]: weight " + Arrays.toString(quantized.shape()) + " has " + scale.size() + " scales and "
                    + (zeroPoint == null ? 0 : zeroPoint.size()) + " zero points; expected 1 or " + cols
            );
        }
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double zero = zeroPoint == null ? 0 : zeroPoint.scalarAt(zeroPoint.size() == 1 ? 0 : c);
                double s = scale.floats()[scale.size() == 1 ? 0 : c];
                out[r * cols + c] = (float) ((quantized.ints()[r * cols + c] - zero) * s);
            }
        }
        return new Value(quantized.origin(), quantized.shape(), out, null);
    }

    private void gather(NodeProto node) {
        Value table = graph.floatConstant(OnnxGraph.input(node, 0));
        if (table == null || table.rank() != 2) {
            return;
        }
        put(pathOf(node, table, null), new EmbeddingModule(table, node.getName()));
    }

    private void layerNormalization(NodeProto node) {
        Value gamma = graph.floatConstant(OnnxGraph.input(node, 1));
        Value beta = graph.floatConstant(OnnxGraph.input(node, 2));
        if (gamma == null || gamma.rank() != 1) {
            throw new IllegalArgumentException("LayerNormalization [" + node.getName() + "] in [" + source + "] has no constant scale vector");
        }
        long axis = OnnxGraph.intAttribute(node, "axis", -1);
        if (axis != -1 && axis != 2) {
            throw new IllegalArgumentException("LayerNormalization [" + node.getName() + "] in [" + source + "] normalises axis " + axis + ", expected the last");
        }
        if (beta == null) {
            beta = new Value(gamma.origin(), gamma.shape(), new float[gamma.size()], null);
        }
        float epsilon = OnnxGraph.floatAttribute(node, "epsilon", 1e-5f);
        put(pathOf(node, gamma, beta), new NormModule(gamma, beta, epsilon, node.getName()));
    }

    /**
     * PyTorch exports LayerNorm below opset 17 as ops: Sqrt(Add(var, eps)) divides (x − mean), then Mul(gamma) and
     * Add(beta). Anchored on the Sqrt, whose Add holds epsilon.
     */
    private void decomposedLayerNorm(NodeProto sqrt) {
        NodeProto addEps = graph.producer(sqrt.getInput(0));
        if (addEps == null || addEps.getOpType().equals("Add") == false) {
            return;
        }
        Value epsilon = graph.floatConstant(addEps.getInput(1));
        if (epsilon == null) {
            epsilon = graph.floatConstant(addEps.getInput(0));
        }
        NodeProto div = single(graph.consumers(sqrt.getOutput(0)), "Div");
        if (epsilon == null || epsilon.size() != 1 || div == null) {
            return;
        }
        NodeProto mul = single(graph.consumers(div.getOutput(0)), "Mul");
        Value gamma = mul == null ? null : graph.floatConstant(otherInput(mul, div.getOutput(0)));
        if (gamma == null || gamma.rank() != 1) {
            return;
        }
        NodeProto add = single(graph.consumers(mul.getOutput(0)), "Add");
        Value beta = add == null ? null : graph.floatConstant(otherInput(add, mul.getOutput(0)));
        if (beta == null || beta.rank() != 1) {
            return;
        }
        put(pathOf(div, gamma, beta), new NormModule(gamma, beta, (float) epsilon.scalar(), div.getName()));
    }

    /** The constant vector of length {@code out} added to {@code value} right after the product, if any. */
    private Value biasAfter(String value, int out) {
        for (NodeProto consumer : graph.consumers(value)) {
            if (consumer.getOpType().equals("Add")) {
                Value bias = graph.floatConstant(otherInput(consumer, value));
                if (bias != null && bias.rank() == 1 && bias.size() == out) {
                    return bias;
                }
            }
        }
        return null;
    }

    private void addLinear(NodeProto node, Value weight, Value bias) {
        put(pathOf(node, bias, weight), new LinearModule(weight, bias, node.getName()));
    }

    private void put(String path, Module module) {
        if (path == null) {
            return; // neither a scoped node name nor a named parameter: nothing to map it to
        }
        Module previous = modules.putIfAbsent(path, module);
        if (previous != null && previous.node().equals(module.node()) == false) {
            throw new IllegalArgumentException(
                "[" + source + "]: module [" + path + "] is computed by two nodes, [" + previous.node() + "] and [" + module.node() + "]"
            );
        }
    }

    /** The module path from the node's scope, else from a named parameter ({@code x.bias} → {@code x}). */
    private static String pathOf(NodeProto node, Value first, Value second) {
        String scoped = scope(node.getName());
        if (scoped != null) {
            return canonical(scoped);
        }
        for (Value value : new Value[] { first, second }) {
            if (value != null) {
                String name = value.origin();
                for (String suffix : List.of(".weight", ".bias", ".gamma", ".beta")) {
                    if (name.endsWith(suffix) && name.contains("::") == false) {
                        return canonical(name.substring(0, name.length() - suffix.length()));
                    }
                }
            }
        }
        return null;
    }

    /** {@code /encoder/layer.0/attention/self/query/MatMul} → {@code encoder.layer.0.attention.self.query}. */
    static String scope(String nodeName) {
        if (nodeName.startsWith("/") == false) {
            return null;
        }
        int last = nodeName.lastIndexOf('/');
        if (last <= 0) {
            return null;
        }
        return nodeName.substring(1, last).replace('/', '.');
    }

    /** Drops a model prefix ({@code bert.}, {@code roberta.}, …) before the first module an encoder is made of. */
    static String canonical(String path) {
        String[] segments = path.split("\\.");
        for (int i = 0; i < segments.length; i++) {
            if (Set.of("embeddings", "encoder", "qa_outputs", "pooler").contains(segments[i])) {
                return String.join(".", Arrays.copyOfRange(segments, i, segments.length));
            }
        }
        return path;
    }

    private static NodeProto single(List<NodeProto> nodes, String opType) {
        NodeProto found = null;
        for (NodeProto node : nodes) {
            if (node.getOpType().equals(opType)) {
                if (found != null) {
                    return null;
                }
                found = node;
            }
        }
        return found;
    }

    private static String otherInput(NodeProto node, String value) {
        if (node.getInputCount() != 2) {
            return null;
        }
        return node.getInput(0).equals(value) ? node.getInput(1) : node.getInput(0);
    }
}
