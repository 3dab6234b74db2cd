package io.longdoc.graph;

import java.util.List;

/**
 * The feed-forward activation in standard opset-17 ops (ONNX's Gelu arrives only in opset 20, Mish in 18), written as
 * transformers writes each formula; the erf GELU (BERT's) as ONNX Runtime's contrib {@code com.microsoft.Gelu}.
 */
final class ActivationOps {

    /** √(2/π), as transformers' gelu_new computes it (math.sqrt(2.0 / math.pi)). */
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    /** ONNX Runtime's contrib domain: its Gelu is x·½·(1 + erf(x/√2)) in one kernel (CPU and CUDA). */
    static final String MICROSOFT = "com.microsoft";

    private ActivationOps() {}

    /**
     * The activation of a projection whose bias is still to add. Not BiasGelu: ONNX Runtime 1.29's CPU kernel of it ran
     * at half the speed of Add + Gelu here (profile of 2026-12-02).
     */
    static String apply(OnnxGraphWriter g, Activation activation, OnnxGraphWriter.Projection x) {
        return apply(g, activation, x.bias() == null ? x.product() : g.add(x.product(), x.bias()));
    }

    static String apply(OnnxGraphWriter g, Activation activation, String x) {
        return switch (activation) {
            // one pass over [n, intermediate] instead of five: the erf GELU written out cost 10-20 % of a forward pass
            // (Erf, three Mul, an Add; ONNX Runtime 1.29 does not fuse this form itself; profile in docs/BENCHMARKS.md)
            case GELU, GELU_PYTHON -> g.customOp(MICROSOFT, 1, "Gelu", List.of(x));
            case GELU_10 -> g.op("Clip", List.of(erfGelu(g, x), g.floatScalar(-10), g.floatScalar(10)));
            case GELU_NEW, GELU_PYTORCH_TANH, GELU_PYTHON_TANH, GELU_ACCURATE -> {
                String cube = g.mul(g.mul(x, x), x);
                String inner = g.mul(g.add(x, g.mul(cube, g.floatScalar(0.044715f))), g.floatScalar(SQRT_2_OVER_PI));
                yield halfXTimesOnePlus(g, x, g.op("Tanh", List.of(inner)));
            }
            case GELU_FAST -> {
                String square = g.mul(x, x);
                String inner = g.mul(g.mul(x, g.floatScalar(0.7978845608f)), g.add(g.mul(square, g.floatScalar(0.044715f)), g.floatScalar(1)));
                yield halfXTimesOnePlus(g, x, g.op("Tanh", List.of(inner)));
            }
            case QUICK_GELU -> g.mul(x, g.op("Sigmoid", List.of(g.mul(x, g.floatScalar(1.702f)))));
            case RELU -> g.op("Relu", List.of(x));
            case RELU2 -> {
                String relu = g.op("Relu", List.of(x));
                yield g.mul(relu, relu);
            }
            case RELU6 -> g.op("Clip", List.of(x, g.floatScalar(0), g.floatScalar(6)));
            case LEAKY_RELU -> g.op("LeakyRelu", List.of(x), OnnxGraphWriter.attr("alpha", 0.01f));
            case SILU, SWISH -> g.mul(x, g.op("Sigmoid", List.of(x)));
            case MISH -> g.mul(x, g.op("Tanh", List.of(g.op("Softplus", List.of(x)))));
            case SIGMOID -> g.op("Sigmoid", List.of(x));
            case TANH -> g.op("Tanh", List.of(x));
            case LINEAR -> x;
            case LAPLACE -> {
                String scaled = g.div(g.sub(x, g.floatScalar(0.707107f)), g.floatScalar((float) (0.282095 * Math.sqrt(2))));
                yield g.mul(g.add(g.op("Erf", List.of(scaled)), g.floatScalar(1)), g.floatScalar(0.5f));
            }
        };
    }

    /** x·½·(1 + erf(x/√2)). */
    private static String erfGelu(OnnxGraphWriter g, String x) {
        String erf = g.op("Erf", List.of(g.mul(x, g.floatScalar((float) (1 / Math.sqrt(2))))));
        return halfXTimesOnePlus(g, x, erf);
    }

    /** ½x·(1 + t). */
    private static String halfXTimesOnePlus(OnnxGraphWriter g, String x, String t) {
        return g.mul(g.mul(x, g.floatScalar(0.5f)), g.add(t, g.floatScalar(1)));
    }
}
