package io.longdoc.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import io.longdoc.graph.Precision;
import io.longdoc.graph.SparseAttentionProbe;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the fused {@code longdoc.SparseAttention} op runs on the execution provider of a session setup, with no
 * silent fallback to the CPU. ONNX Runtime's Java API cannot show where nodes were placed, and refusing CPU fallback on
 * a whole encoder graph refuses the shape computations the CUDA provider leaves to the CPU on purpose. So the check
 * opens a session that holds the op alone ({@link SparseAttentionProbe}), with the same provider, provider options and
 * op library as the model's, and {@link SessionSetup#DISABLE_CPU_EP_FALLBACK}: it opens exactly when the provider
 * takes the op of that element type. Node placement depends on the op's type, domain, version and input types, never
 * on its attribute values, so what holds for the probe holds for the model's nodes. The probe then runs once, on two
 * tokens, so a kernel that is placed but cannot run on the device is caught here too ({@link #runOnce}).
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
            OrtSession session;
            try {
                session = environment.createSession(SparseAttentionProbe.model(precision), options);
            } catch (OrtException | RuntimeException | LinkageError e) {
                return Optional.of(op(setup, precision) + " without falling back to the CPU: " + e.getMessage());
            }
            try (session) {
                runOnce(environment, session);
                return Optional.empty();
            } catch (OrtException | RuntimeException | LinkageError e) {
                return Optional.of(op(setup, precision) + ": it is placed there but failed to run: " + e.getMessage());
            }
        } catch (OrtException | RuntimeException | LinkageError e) {
            return Optional.of(op(setup, precision) + ": " + e.getMessage());
        }
    }

    private static String op(SessionSetup setup, Precision precision) {
        return "the fused op longdoc.SparseAttention (" + precision + ") does not run on the " + setup.provider() + " execution provider"
            + (setup.provider() == ExecutionProvider.CUDA ? " (device [" + setup.deviceId() + "])" : "");
    }

    /**
     * Runs the probe once on two tokens: placement only says the provider took the node, while the kernel can still
     * fail on the device (a GPU older than the architectures it was compiled for, a driver older than the toolkit it
     * was built with). Better standard ops with that reason than every encode failing.
     *
     * @return the shape of the context it computed
     */
    static long[] runOnce(OrtEnvironment environment, OrtSession session) throws OrtException {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, NodeInfo> input : session.getInputInfo().entrySet()) {
                TensorInfo info = (TensorInfo) input.getValue().getInfo();
                long[] shape = info.getShape().clone();
                int count = 1;
                for (int i = 0; i < shape.length; i++) {
                    if (shape[i] < 0) {
                        shape[i] = 2; // the sequence
                    }
                    count = Math.multiplyExact(count, Math.toIntExact(shape[i]));
                }
                OnnxTensor tensor = info.type == OnnxJavaType.INT64
                    ? OnnxTensor.createTensor(environment, LongBuffer.wrap(ones(count)), shape) // the attention mask: every token real
                    : OnnxTensor.createTensor(environment, ByteBuffer.allocateDirect(count * info.type.size).order(ByteOrder.nativeOrder()), shape, info.type);
                feeds.put(input.getKey(), tensor);
            }
            try (OrtSession.Result result = session.run(feeds)) {
                return ((OnnxTensor) result.get(0)).getInfo().getShape();
            }
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    private static long[] ones(int count) {
        long[] ones = new long[count];
        Arrays.fill(ones, 1L);
        return ones;
    }
}
