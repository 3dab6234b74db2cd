package io.longdoc.graph.importer;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import io.longdoc.graph.Activation;
import io.longdoc.graph.importer.OnnxGraph.Value;
import io.longdoc.graph.importer.OnnxModules.LinearModule;
import io.longdoc.graph.importer.OnnxModules.Module;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the feed-forward activation off an export's graph: the nodes between each layer's intermediate.dense and
 * output.dense. PyTorch exports BERT's erf GELU as Div(x, √2) → Erf → Add → Mul → Mul (Gelu from opset 20); those
 * are recognised, and any other pattern is refused rather than computed as something it is not.
 */
final class OnnxActivation {

    /** Ops that may sit between the two linear layers: the GELU pattern and the dequantisation of a linear's output. */
    private static final Set<String> ALLOWED = Set.of("Add", "Mul", "Div", "Cast", "Erf", "Gelu", "Identity");
    /** More nodes than any activation has: the walk left the feed-forward block. */
    private static final int MAX_NODES = 32;

    private OnnxActivation() {}

    static Activation detect(OnnxGraph graph, Map<String, Module> modules, int layers, String source) {
        Map<String, NodeProto> byName = new HashMap<>();
        for (NodeProto node : graph.nodes()) {
            byName.putIfAbsent(node.getName(), node);
        }
        Activation found = null;
        for (int layer = 0; layer < layers; layer++) {
            String block = "encoder.layer." + layer;
            NodeProto up = linearNode(modules, byName, block + ".intermediate.dense", source);
            NodeProto down = linearNode(modules, byName, block + ".output.dense", source);
            Activation activation = classify(graph, walk(graph, up, down, block, source), block, source);
            if (found != null && found != activation) {
                throw new IllegalArgumentException("[" + source + "]: [" + block + "] uses " + activation.hfName() + ", the layers before it " + found.hfName());
            }
            found = activation;
        }
        return found == null ? Activation.GELU : found;
    }

    private static NodeProto linearNode(Map<String, Module> modules, Map<String, NodeProto> byName, String path, String source) {
        if (modules.get(path) instanceof LinearModule linear && byName.containsKey(linear.node())) {
            return byName.get(linear.node());
        }
        throw new IllegalArgumentException("[" + source + "] has no linear layer [" + path + "]");
    }

    /** The nodes from up's output to down's input (or to the DynamicQuantizeLinear that quantises it). */
    private static List<NodeProto> walk(OnnxGraph graph, NodeProto up, NodeProto down, String block, String source) {
        List<NodeProto> between = new ArrayList<>();
        Set<NodeProto> seen = new HashSet<>();
        Deque<NodeProto> queue = new ArrayDeque<>();
        up.getOutputList().forEach(output -> queue.addAll(graph.consumers(output)));
        boolean reached = false;
        while (queue.isEmpty() == false) {
            NodeProto node = queue.poll();
            if (seen.add(node) == false) {
                continue;
            }
            if (node == down || node.getOpType().equals("DynamicQuantizeLinear")) {
                reached = true;
                continue;
            }
            between.add(node);
            if (between.size() > MAX_NODES) {
                break;
            }
            node.getOutputList().forEach(output -> queue.addAll(graph.consumers(output)));
        }
        if (reached == false || between.size() > MAX_NODES) {
            throw new IllegalArgumentException(
                "[" + source + "]: cannot follow [" + block + "]'s feed-forward from intermediate.dense to output.dense, so its activation is unknown"
            );
        }
        return between;
    }

    private static Activation classify(OnnxGraph graph, List<NodeProto> nodes, String block, String source) {
        Set<String> ops = new TreeSet<>();
        nodes.forEach(node -> ops.add(node.getOpType()));
        if (ALLOWED.containsAll(ops) && ops.contains("Gelu") && ops.contains("Erf") == false) {
            Set<String> modes = new TreeSet<>();
            for (NodeProto node : nodes) {
                if (node.getOpType().equals("Gelu")) {
                    String approximate = "none";
                    for (AttributeProto attribute : node.getAttributeList()) {
                        if (attribute.getName().equals("approximate")) {
                            approximate = attribute.getS().toStringUtf8();
                        }
                    }
                    modes.add(approximate);
                }
            }
            if (modes.equals(Set.of("none"))) {
                return Activation.GELU;
            }
            if (modes.equals(Set.of("tanh"))) {
                return Activation.GELU_PYTORCH_TANH;
            }
        }
        if (ALLOWED.containsAll(ops) && ops.contains("Erf") && ops.contains("Gelu") == false) {
            boolean erfOfScaledInput = nodes.stream()
                .filter(node -> node.getOpType().equals("Erf"))
                .allMatch(erf -> dividesBySqrt2(graph, graph.producer(erf.getInput(0))));
            if (erfOfScaledInput) {
                return Activation.GELU;
            }
        }
        throw new IllegalArgumentException(
            "[" + source + "]: the feed-forward of [" + block + "] computes " + ops + ", which is not a recognised activation (erf GELU: Erf of x/√2, or Gelu)"
        );
    }

    /** Div(x, √2) or Mul(x, 1/√2). */
    private static boolean dividesBySqrt2(OnnxGraph graph, NodeProto node) {
        if (node == null || node.getInputCount() != 2) {
            return false;
        }
        double expected = switch (node.getOpType()) {
            case "Div" -> Math.sqrt(2);
            case "Mul" -> 1 / Math.sqrt(2);
            default -> Double.NaN;
        };
        for (String input : node.getInputList()) {
            Value constant = graph.floatConstant(input);
            if (constant != null && constant.size() == 1 && Math.abs(constant.floats()[0] - expected) < 1e-5) {
                return true;
            }
        }
        return false;
    }
}
