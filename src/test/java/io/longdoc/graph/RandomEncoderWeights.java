package io.longdoc.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small seeded random encoders for graph tests: d = 64, 4 heads, 2 layers, vocabulary 100. */
final class RandomEncoderWeights {

    static final int VOCAB = 100;
    static final int HIDDEN = 64;
    static final int HEADS = 4;
    static final int INTERMEDIATE = 128;
    static final int LAYERS = 2;
    static final int MAX_TOKENS = 256;

    private final Random random;
    private boolean roberta;
    private boolean globalProjections;
    private boolean qaHead;
    private Activation activation = Activation.GELU;
    private float intermediateScale = 1;

    private RandomEncoderWeights(long seed) {
        this.random = new Random(seed);
    }

    static RandomEncoderWeights bert(long seed) {
        return new RandomEncoderWeights(seed);
    }

    /** RoBERTa family: positions start at padTokenId + 1 = 2, no token-type table. */
    RandomEncoderWeights roberta() {
        this.roberta = true;
        return this;
    }

    RandomEncoderWeights withGlobalProjections() {
        this.globalProjections = true;
        return this;
    }

    RandomEncoderWeights withQaHead() {
        this.qaHead = true;
        return this;
    }

    /**
     * The feed-forward activation, with feed-forward input weights {@code scale} times the usual so that its inputs
     * reach the ranges where the activations differ (gelu_10's clip at ±10, relu6's at 6).
     */
    RandomEncoderWeights withActivation(Activation activation, float scale) {
        this.activation = activation;
        this.intermediateScale = scale;
        return this;
    }

    EncoderWeights build() {
        int offset = roberta ? 2 : 0;
        EncoderConfig config = new EncoderConfig(
            roberta ? "roberta" : "bert",
            HIDDEN,
            HEADS,
            INTERMEDIATE,
            LAYERS,
            MAX_TOKENS + offset,
            offset,
            roberta ? 1 : 0,
            1e-12f,
            activation
        );
        List<LayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < LAYERS; i++) {
            layers.add(
                new LayerWeights(
                    linear(HIDDEN, HIDDEN),
                    linear(HIDDEN, HIDDEN),
                    linear(HIDDEN, HIDDEN),
                    linear(HIDDEN, HIDDEN),
                    norm(),
                    scaled(linear(HIDDEN, INTERMEDIATE), intermediateScale),
                    linear(INTERMEDIATE, HIDDEN),
                    norm(),
                    globalProjections ? linear(HIDDEN, HIDDEN) : null,
                    globalProjections ? linear(HIDDEN, HIDDEN) : null,
                    globalProjections ? linear(HIDDEN, HIDDEN) : null
                )
            );
        }
        return new EncoderWeights(
            config,
            tensor(0.5f, VOCAB, HIDDEN),
            tensor(0.5f, MAX_TOKENS + offset, HIDDEN),
            roberta ? null : tensor(0.5f, 2, HIDDEN),
            norm(),
            layers,
            qaHead ? linear(HIDDEN, 2) : null
        );
    }

    /** Weights of about 2/√in, so attention scores spread over several units and the pattern matters. */
    private Linear linear(int in, int out) {
        return new Linear(tensor((float) (2 / Math.sqrt(in)), in, out), tensor(0.1f, out));
    }

    private static Linear scaled(Linear linear, float scale) {
        for (FloatTensor t : new FloatTensor[] { linear.weight(), linear.bias() }) {
            for (int i = 0; i < t.data().length; i++) {
                t.data()[i] *= scale;
            }
        }
        return linear;
    }

    private LayerNormWeights norm() {
        FloatTensor gamma = tensor(0.1f, HIDDEN);
        for (int i = 0; i < HIDDEN; i++) {
            gamma.data()[i] += 1;
        }
        return new LayerNormWeights(gamma, tensor(0.1f, HIDDEN));
    }

    private FloatTensor tensor(float scale, int... shape) {
        int size = 1;
        for (int dim : shape) {
            size *= dim;
        }
        float[] data = new float[size];
        for (int i = 0; i < size; i++) {
            data[i] = (float) (random.nextGaussian() * scale);
        }
        return FloatTensor.of(data, shape);
    }
}
