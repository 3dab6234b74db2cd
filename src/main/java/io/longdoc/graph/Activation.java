package io.longdoc.graph;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The feed-forward activation, by its Hugging Face {@code hidden_act} name (transformers' activations.py, ACT2CLS).
 * Each is computed by its own formula: the tanh approximations differ from erf GELU by up to 2e-3 at the output of a
 * 2-layer model, so none stands in for another. {@code prelu} and {@code xielu} carry learned parameters that the
 * importers do not read, and are not here.
 */
public enum Activation {
    /** x·½·(1 + erf(x/√2)), torch's exact GELU. */
    GELU,
    /** The same formula, written in Python in transformers. */
    GELU_PYTHON,
    /** Exact GELU clipped to [−10, 10]. */
    GELU_10,
    /** ½x·(1 + tanh(√(2/π)·(x + 0.044715x³))), Google BERT's and OpenAI GPT's; BigBird's default. */
    GELU_NEW,
    /** The gelu_new formula, as torch's gelu(approximate="tanh"). */
    GELU_PYTORCH_TANH,
    /** The gelu_new formula. */
    GELU_PYTHON_TANH,
    /** The gelu_new formula (MEGA). */
    GELU_ACCURATE,
    /** ½x·(1 + tanh(x·0.7978845608·(1 + 0.044715x²))). */
    GELU_FAST,
    /** x·sigmoid(1.702x). */
    QUICK_GELU,
    RELU,
    /** relu(x)². */
    RELU2,
    /** min(max(x, 0), 6). */
    RELU6,
    /** x for x ≥ 0, 0.01x below (torch's default slope). */
    LEAKY_RELU,
    /** x·sigmoid(x). */
    SILU,
    /** x·sigmoid(x). */
    SWISH,
    /** x·tanh(softplus(x)). */
    MISH,
    SIGMOID,
    TANH,
    /** The identity. */
    LINEAR,
    /** ½·(1 + erf((x − 0.707107) / (0.282095·√2))), MEGA's. */
    LAPLACE;

    /** The {@code hidden_act} string Hugging Face configs use. */
    public String hfName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The activation of a {@code hidden_act} value, or null when longdoc does not compute it. */
    public static Activation fromHfName(String name) {
        for (Activation activation : values()) {
            if (activation.hfName().equals(name)) {
                return activation;
            }
        }
        return null;
    }

    /** The hidden_act names longdoc computes, for error messages. */
    public static List<String> hfNames() {
        return Arrays.stream(values()).map(Activation::hfName).toList();
    }
}
