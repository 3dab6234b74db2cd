package io.longdoc.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import io.longdoc.graph.Precision;
import io.longdoc.graph.SparseAttentionProbe;

import java.util.Optional;

/**
 * Whether the fused {@code longdoc.SparseAttention} op runs on the execution provider of a session setup, with no
 * silent fallback to the CPU. ONNX Runtime's Java API cannot show where nodes were placed, and refusing CPU fallback on
 * a whole encoder graph refuses the shape computations the CUDA provider leaves to the CPU on purpose. So the check
 * opens a session that holds the op alone ({@link SparseAttentionProbe}), with the same provider, provider options and
 * op library as the model's, and {@link SessionSetup#DISABLE_CPU_EP_FALLBACK}: it opens exactly when the provider
 * takes the op of that element type. Node placement depends on the op's type, domain, version and input types, never
 * on its attribute values, so what holds for the probe holds for the model's nodes.
 * <p>
 * Meaningful for a provider other than the CPU: on the CPU the check fails by definition (that is what the unit test
 * shows).
 */
public final class FusedOpPlacement {

    private FusedOpPlacement() {}

    /** Empty when the op of {@code precision} runs on {@code setup}'s provider; else why not, worded for the operator. */
    public static Optional<String> check(OrtEnvironment environment, SessionSetup setup, OpsLibrary ops, Precision precision) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            ops.registerInto(options, setup.provider());
            setup.withoutCpuFallback().applyTo(options);
            try (OrtSession session = environment.createSession(SparseAttentionProbe.model(precision), options)) {
                return Optional.empty();
            }
        } catch (OrtException | RuntimeException | LinkageError e) {
            return Optional.of(
                "the fused op longdoc.SparseAttention (" + precision + ") does not run on the " + setup.provider() + " execution provider"
                    + (setup.provider() == ExecutionProvider.CUDA ? " (device [" + setup.deviceId() + "])" : "")
                    + " without falling back to the CPU: " + e.getMessage()
            );
        }
    }
}
