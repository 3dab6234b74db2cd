package io.longdoc.model;

import io.longdoc.graph.Precision;
import io.longdoc.runtime.ExecutionProvider;
import io.longdoc.runtime.ExecutionProviderSetting;
import io.longdoc.runtime.ProviderSelection;

/**
 * The precision a compiled model's session runs in. fp16 is for the GPU: ONNX Runtime's CPU provider has float16
 * kernels for few ops and inserts casts around the rest, so an fp16 graph there is slower than fp32 and no smaller at
 * run time. So {@code compile.precision: fp16} on a node that runs models on the CPU:
 * <ul>
 * <li>under {@code longdoc.execution_provider: auto} runs in fp32, with the reason in the model's placement — the same
 *     spec then serves the cluster's CPU and GPU nodes;</li>
 * <li>under {@code cpu} is refused (400): the operator asked for the CPU and the spec for the GPU's precision, and
 *     one of the two settings is wrong.</li>
 * </ul>
 */
final class SessionPrecision {

    private SessionPrecision() {}

    /** The precision and, when it is not the one asked for, why. */
    record Choice(Precision precision, String fallbackReason) {}

    static Choice choose(Precision requested, ProviderSelection.Result provider) {
        if (requested == Precision.FP32 || provider.provider() == ExecutionProvider.CUDA) {
            return new Choice(requested, null);
        }
        if (provider.setting() == ExecutionProviderSetting.AUTO) {
            return new Choice(
                Precision.FP32,
                "[compile.precision] is [fp16], which runs only on the CUDA execution provider, and this node runs models on the CPU "
                    + "(longdoc.execution_provider is [auto]: " + provider.reason() + "); the model runs in fp32"
            );
        }
        throw new IllegalArgumentException(
            "[compile.precision] is [fp16], which runs only on the CUDA execution provider, but longdoc.execution_provider is ["
                + provider.setting() + "]; set [compile.precision] to [fp32], or run the model on a GPU node (longdoc.execution_provider: auto or cuda)"
        );
    }
}
