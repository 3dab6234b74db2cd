package io.longdoc.graph.importer;

import ai.onnx.proto.OnnxMl.NodeProto;

import io.longdoc.graph.importer.OnnxGraph.Value;

/**
 * Tells a RoBERTa-style export from a BERT one. RoBERTa numbers positions from the padding index:
 * {@code cumsum(input_ids != pad) · mask + pad}, which the exporter writes as Equal/Not (or Sub) on input_ids with a
 * constant, then CumSum. BERT slices a constant arange instead.
 */
final class RobertaPositions {

    private RobertaPositions() {}

    /** The padding index when the graph computes RoBERTa positions, else −1. */
    static int paddingIndex(OnnxGraph graph) {
        boolean cumSum = graph.nodes().stream().anyMatch(n -> n.getOpType().equals("CumSum"));
        if (cumSum == false) {
            return -1;
        }
        for (NodeProto node : graph.consumers("input_ids")) {
            if (node.getOpType().equals("Equal") || node.getOpType().equals("Sub")) {
                String other = node.getInput(0).equals("input_ids") ? node.getInput(1) : node.getInput(0);
                Value pad = graph.constant(other);
                if (pad != null && pad.size() == 1) {
                    return (int) pad.scalar();
                }
            }
        }
        throw new IllegalArgumentException("the graph computes positions with CumSum (RoBERTa style) but no padding index compared with input_ids was found");
    }
}
