package io.longdoc.graph.importer;

import ai.onnx.proto.OnnxMl.NodeProto;

import io.longdoc.graph.importer.OnnxGraph.Value;

import java.util.TreeSet;

/**
 * The number of attention heads of an exported encoder. The export splits heads with
 * {@code Reshape(x, [batch, seq, heads, head_dim])}, the last two entries constants; failing that, the scores are
 * divided by the constant sqrt(head_dim). Guessing head_dim = 64 would be wrong for the small models
 * (bge-small and MiniLM have 12 heads of 32), so when neither is found this fails.
 */
final class OnnxHeads {

    private OnnxHeads() {}

    static int infer(OnnxGraph graph, int hidden, String source) {
        TreeSet<Integer> fromReshape = new TreeSet<>();
        TreeSet<Integer> fromScale = new TreeSet<>();
        for (NodeProto node : graph.nodes()) {
            String scope = OnnxModules.scope(node.getName());
            boolean inSelfAttention = scope != null && scope.endsWith("attention.self");
            if (node.getOpType().equals("Reshape") && (scope == null || inSelfAttention)) {
                int heads = fromReshape(graph, node, hidden);
                if (heads > 0) {
                    fromReshape.add(heads);
                }
            } else if (inSelfAttention && (node.getOpType().equals("Div") || node.getOpType().equals("Mul"))) {
                int heads = fromScale(graph, node, hidden);
                if (heads > 0) {
                    fromScale.add(heads);
                }
            }
        }
        TreeSet<Integer> found = fromReshape.isEmpty() ? fromScale : fromReshape;
        if (found.size() == 1) {
            return found.first();
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException(
                "[" + source + "]: cannot tell the number of attention heads (no Reshape to [batch, seq, heads, head_dim] and no score scaling found)"
            );
        }
        throw new IllegalArgumentException("[" + source + "]: the attention Reshapes disagree on the number of heads: " + found);
    }

    private static int fromReshape(OnnxGraph graph, NodeProto reshape, int hidden) {
        String shapeName = OnnxGraph.input(reshape, 1);
        long heads, headDim;
        Value shape = graph.constant(shapeName);
        if (shape != null && shape.isFloat() == false && shape.size() == 4) {
            heads = shape.ints()[2];
            headDim = shape.ints()[3];
        } else {
            NodeProto concat = graph.producer(shapeName);
            if (concat == null || concat.getOpType().equals("Concat") == false || concat.getInputCount() != 4) {
                return -1;
            }
            Value h = graph.constant(concat.getInput(2));
            Value hd = graph.constant(concat.getInput(3));
            if (h == null || hd == null || h.isFloat() || hd.isFloat() || h.size() != 1 || hd.size() != 1) {
                return -1;
            }
            heads = h.ints()[0];
            headDim = hd.ints()[0];
        }
        if (heads == -1 && headDim > 0 && hidden % headDim == 0) {
            heads = hidden / headDim;
        } else if (headDim == -1 && heads > 0 && hidden % heads == 0) {
            headDim = hidden / heads;
        }
        return heads > 0 && heads * headDim == hidden ? (int) heads : -1;
    }

    /** scores / sqrt(head_dim) or scores · 1/sqrt(head_dim), by a scalar constant. */
    private static int fromScale(OnnxGraph graph, NodeProto node, int hidden) {
        Value c = graph.floatConstant(node.getInput(1));
        if (c == null || c.size() != 1 || c.scalar() <= 0) {
            return -1;
        }
        double squared = c.scalar() * c.scalar();
        long headDim = Math.round(node.getOpType().equals("Div") ? squared : 1 / squared);
        double exact = node.getOpType().equals("Div") ? squared : 1 / squared;
        if (headDim < 1 || Math.abs(exact - headDim) > 1e-3 * headDim || hidden % headDim != 0) {
            return -1;
        }
        return (int) (hidden / headDim);
    }
}
