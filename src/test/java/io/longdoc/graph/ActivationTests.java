package io.longdoc.graph;

import ai.onnxruntime.OrtException;

import io.longdoc.graph.GraphRuns.GraphOutputs;
import io.longdoc.graph.GraphRuns.TokenBatch;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.longdoc.graph.GraphRuns.maxDiff;
import static io.longdoc.graph.GraphRuns.run;
import static io.longdoc.graph.GraphRuns.runFused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every {@link Activation} compiled into a small random 2-layer encoder, standard and fused, against the plain Java
 * {@link ReferenceEncoder}, which writes each formula out on its own; and each one's output is far from what any
 * activation of another formula gives, so no activation can silently stand in for another.
 */
class ActivationTests {

    private static final double TOLERANCE = 1e-5;
    /** "Another output": far above float noise, below the smallest real gap (gelu_new vs gelu). */
    private static final double DIFFERENT = 1e-4;
    /** Feed-forward inputs of about ±2 (the usual weights), and of about ±6 for the clips of gelu_10 and relu6. */
    private static final Map<Activation, Float> SCALE = Map.of(Activation.GELU_10, 3f, Activation.RELU6, 3f);
    /** Activations transformers computes with one formula under several names. */
    private static final List<Set<Activation>> SAME_FORMULA = List.of(
        Set.of(Activation.GELU, Activation.GELU_PYTHON),
        // gelu_fast's 0.7978845608 is √(2/π) to 1e-11 and x·(1 + 0.044715x²) = x + 0.044715x³
        Set.of(Activation.GELU_NEW, Activation.GELU_PYTORCH_TANH, Activation.GELU_PYTHON_TANH, Activation.GELU_ACCURATE, Activation.GELU_FAST),
        Set.of(Activation.SILU, Activation.SWISH)
    );

    @BeforeAll
    static void findLibrary() {
        if (Files.isRegularFile(GraphRuns.opsLibrary()) == false) {
            fail("the longdoc ops library is not built: missing [" + GraphRuns.opsLibrary() + "] (see FusedGraphTests)");
        }
    }

    @Test
    void everyActivationMatchesTheReferenceStandardAndFused() throws OrtException {
        TokenBatch inputs = TokenBatch.random(31, new int[] { 37, 29 }, new int[][] { { 0 }, { 0 } }, 0);
        AttentionPattern pattern = new AttentionPattern.SlidingWindow(new int[] { 3, 5 }, null);
        List<String> failures = new ArrayList<>();
        for (Activation activation : Activation.values()) {
            EncoderWeights weights = weights(activation);
            // every activation's reference on the same weights
            Map<Activation, ReferenceEncoder.Output> references = new EnumMap<>(Activation.class);
            for (Activation other : Activation.values()) {
                references.put(other, reference(weights.withPositions(weights.config().withActivation(other), weights.positionEmbeddings()), pattern, inputs));
            }
            GraphOutputs standard = run(EncoderGraphBuilder.build(weights, pattern, GraphOptions.STANDARD), inputs);
            GraphOutputs fused = runFused(EncoderGraphBuilder.build(weights, pattern, new GraphOptions(true)), inputs);
            double toReference = maxDiff(standard, references.get(activation), inputs);
            double fusedToReference = maxDiff(fused, references.get(activation), inputs);
            double nearestOther = Double.POSITIVE_INFINITY;
            Activation nearest = null;
            for (Activation other : Activation.values()) {
                // on ±2 inputs the clips of gelu_10 and relu6 are not reached; their own runs, on ±6, tell them apart
                boolean clipUnreached = SCALE.containsKey(other) && SCALE.containsKey(activation) == false;
                if (sameFormula(activation, other) == false && clipUnreached == false) {
                    double diff = maxDiff(standard, references.get(other), inputs);
                    if (diff < nearestOther) {
                        nearestOther = diff;
                        nearest = other;
                    }
                }
            }
            System.out.printf(
                "%s: max |standard - reference| = %.2e (hidden %.2e), max |fused - reference| = %.2e; nearest other formula %s at %.2e%n",
                activation.hfName(),
                toReference,
                GraphRuns.maxHiddenDiff(standard, references.get(activation), inputs),
                fusedToReference,
                nearest.hfName(),
                nearestOther
            );
            if (toReference > TOLERANCE || fusedToReference > TOLERANCE) {
                failures.add(activation + ": the standard graph differs from the reference by " + toReference + ", the fused one by " + fusedToReference);
            }
            if (nearestOther <= DIFFERENT) {
                failures.add(activation + ": the graph is within " + nearestOther + " of " + nearest + "'s reference");
            }
        }
        assertEquals(List.of(), failures);
    }

    /** The seed draws the same values for every activation; only the config and the scale change. */
    private static EncoderWeights weights(Activation activation) {
        return RandomEncoderWeights.bert(41).withQaHead().withActivation(activation, SCALE.getOrDefault(activation, 1f)).build();
    }

    private static ReferenceEncoder.Output reference(EncoderWeights weights, AttentionPattern pattern, TokenBatch inputs) {
        return new ReferenceEncoder(weights, pattern).run(inputs.ids(), inputs.mask(), inputs.global());
    }

    private static boolean sameFormula(Activation a, Activation b) {
        return a == b || SAME_FORMULA.stream().anyMatch(group -> group.contains(a) && group.contains(b));
    }
}
