package io.longdoc.graph;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A plain Java forward pass written from the definitions in ARCHITECTURE.md ("Attention patterns"), to check the
 * compiled graphs against. Per layer and head it builds the full n×n table of how often query i sees key j (0: not
 * allowed; more than 1 only for HF_EVAL's repeated block 0), takes dense scores and a softmax over the allowed keys,
 * in double precision, with plain loops. Slow and simple on purpose; it shares no code with the graph builder.
 * Public so that the importer tests can check imported checkpoints against it.
 */
public final class ReferenceEncoder {

    /** hidden [batch][n][d]; logits [batch][n], null without a QA head. */
    public record Output(double[][][] hidden, double[][] startLogits, double[][] endLogits) {}

    private final EncoderWeights weights;
    private final EncoderConfig config;
    private final AttentionPattern pattern;

    public ReferenceEncoder(EncoderWeights weights, AttentionPattern pattern) {
        this.weights = weights;
        this.config = weights.config();
        this.pattern = pattern;
    }

    public Output run(long[][] inputIds, long[][] attentionMask, long[][] globalAttentionMask) {
        int batch = inputIds.length;
        double[][][] hidden = new double[batch][][];
        double[][] start = weights.qaOutputs() == null ? null : new double[batch][];
        double[][] end = weights.qaOutputs() == null ? null : new double[batch][];
        for (int s = 0; s < batch; s++) {
            hidden[s] = encode(inputIds[s], attentionMask[s], globalAttentionMask[s]);
            if (start != null) {
                double[][] logits = linear(hidden[s], weights.qaOutputs());
                start[s] = new double[logits.length];
                end[s] = new double[logits.length];
                for (int i = 0; i < logits.length; i++) {
                    start[s][i] = logits[i][0];
                    end[s][i] = logits[i][1];
                }
            }
        }
        return new Output(hidden, start, end);
    }

    private double[][] encode(long[] ids, long[] mask, long[] globalMask) {
        int n = ids.length;
        boolean[] real = new boolean[n];
        boolean[] global = new boolean[n];
        for (int i = 0; i < n; i++) {
            real[i] = mask[i] != 0;
            global[i] = real[i] && globalMask[i] != 0;
        }
        double[][] x = embeddings(ids, real);
        for (int layer = 0; layer < config.numLayers(); layer++) {
            x = layer(layer, x, real, global);
        }
        return x;
    }

    private double[][] embeddings(long[] ids, boolean[] real) {
        int n = ids.length;
        int d = config.hiddenSize();
        double[][] x = new double[n][d];
        int realSoFar = 0;
        for (int i = 0; i < n; i++) {
            int position = i;
            if (config.positionOffset() > 0) {
                realSoFar += real[i] ? 1 : 0;
                position = real[i] ? config.positionOffset() - 1 + realSoFar : config.padTokenId();
            }
            for (int c = 0; c < d; c++) {
                x[i][c] = weights.wordEmbeddings().data()[(int) ids[i] * d + c] + weights.positionEmbeddings().data()[position * d + c];
                if (weights.tokenTypeEmbeddings() != null) {
                    x[i][c] += weights.tokenTypeEmbeddings().data()[c];
                }
            }
        }
        return layerNorm(x, weights.embeddingNorm());
    }

    private double[][] layer(int layer, double[][] x, boolean[] real, boolean[] global) {
        LayerWeights w = weights.layers().get(layer);
        int n = x.length;
        int headDim = config.headDim();
        double[][] q = linear(x, w.query());
        double[][] k = linear(x, w.key());
        double[][] v = linear(x, w.value());
        boolean longformer = pattern instanceof AttentionPattern.SlidingWindow;
        boolean globalProjections = longformer && w.hasGlobalProjections();
        double[][] qGlobal = globalProjections ? linear(x, w.queryGlobal()) : q;
        double[][] kGlobal = globalProjections ? linear(x, w.keyGlobal()) : k;
        double[][] vGlobal = globalProjections ? linear(x, w.valueGlobal()) : v;

        double[][] context = new double[n][config.hiddenSize()];
        for (int head = 0; head < config.numHeads(); head++) {
            int[][] seen = allowed(layer, head, n, real, global);
            int offset = head * headDim;
            for (int i = 0; i < n; i++) {
                if (longformer && global[i]) {
                    // a global token attends every real key, through the global projections when the layer has them
                    int[] all = new int[n];
                    for (int j = 0; j < n; j++) {
                        all[j] = real[j] ? 1 : 0;
                    }
                    attendRow(qGlobal[i], kGlobal, vGlobal, all, offset, context[i]);
                } else {
                    attendRow(q[i], k, v, seen[i], offset, context[i]);
                }
            }
        }
        double[][] attended = add(linear(context, w.attentionOutput()), x);
        double[][] normed = layerNorm(attended, w.attentionNorm());
        double[][] intermediate = linear(normed, w.intermediate());
        for (double[] row : intermediate) {
            for (int c = 0; c < row.length; c++) {
                row[c] = activation(row[c]);
            }
        }
        return layerNorm(add(linear(intermediate, w.output()), normed), w.outputNorm());
    }

    /** Each hidden_act written out here from transformers' activations.py, independently of the graph builder. */
    private double activation(double x) {
        double gelu = 0.5 * x * (1 + erf(x / Math.sqrt(2)));
        return switch (config.activation()) {
            case GELU, GELU_PYTHON -> gelu;
            case GELU_10 -> Math.min(10, Math.max(-10, gelu));
            case GELU_NEW, GELU_PYTORCH_TANH, GELU_PYTHON_TANH, GELU_ACCURATE -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case GELU_FAST -> 0.5 * x * (1 + Math.tanh(x * 0.7978845608 * (1 + 0.044715 * x * x)));
            case QUICK_GELU -> x / (1 + Math.exp(-1.702 * x));
            case RELU -> Math.max(0, x);
            case RELU2 -> Math.max(0, x) * Math.max(0, x);
            case RELU6 -> Math.min(6, Math.max(0, x));
            case LEAKY_RELU -> x >= 0 ? x : 0.01 * x;
            case SILU, SWISH -> x / (1 + Math.exp(-x));
            case MISH -> x * Math.tanh(Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0));
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case TANH -> Math.tanh(x);
            case LINEAR -> x;
            case LAPLACE -> 0.5 * (1 + erf((x - 0.707107) / (0.282095 * Math.sqrt(2))));
        };
    }

    /** Softmax over the keys with weight count × exp(score), then the weighted sum of values, for one head. */
    private void attendRow(double[] query, double[][] keys, double[][] values, int[] counts, int offset, double[] out) {
        int headDim = config.headDim();
        double[] scores = new double[keys.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < keys.length; j++) {
            if (counts[j] > 0) {
                double dot = 0;
                for (int c = 0; c < headDim; c++) {
                    dot += query[offset + c] * keys[j][offset + c];
                }
                scores[j] = dot / Math.sqrt(headDim);
                max = Math.max(max, scores[j]);
            }
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return; // a padding query in a window of padding: its row is unspecified
        }
        double total = 0;
        double[] weight = new double[keys.length];
        for (int j = 0; j < keys.length; j++) {
            weight[j] = counts[j] * Math.exp(scores[j] - max);
            total += weight[j];
        }
        for (int j = 0; j < keys.length; j++) {
            if (weight[j] > 0) {
                for (int c = 0; c < headDim; c++) {
                    out[offset + c] += weight[j] / total * values[j][offset + c];
                }
            }
        }
    }

    /** [query][key]: how many times the query sees the key under the pattern; padding keys never. */
    private int[][] allowed(int layer, int head, int n, boolean[] real, boolean[] global) {
        int[][] counts = new int[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (real[j]) {
                    counts[i][j] = switch (pattern) {
                        case AttentionPattern.Dense dense -> 1;
                        case AttentionPattern.SlidingWindow window -> windowSees(window, layer, head, i, j, global) ? 1 : 0;
                        case AttentionPattern.BlockSparse blocks -> blockCount(blocks, layer, head, n, i, j);
                    };
                }
            }
        }
        return counts;
    }

    private static boolean windowSees(AttentionPattern.SlidingWindow window, int layer, int head, int i, int j, boolean[] global) {
        int w = window.windows()[layer];
        int d = window.dilations() == null ? 1 : window.dilations()[layer][head];
        int distance = Math.abs(i - j);
        return global[j] || (distance % d == 0 && distance / d <= w);
    }

    private static int blockCount(AttentionPattern.BlockSparse pattern, int layer, int head, int n, int i, int j) {
        int b = pattern.blockSize();
        int r = pattern.randomBlocks();
        if (n <= (5 + 2 * r) * b) {
            return 1; // Hugging Face's fallback to full attention
        }
        int blocks = (n + b - 1) / b;
        int qb = i / b;
        int kb = j / b;
        if (qb == 0 || qb == blocks - 1) {
            return 1;
        }
        int count = (kb == 0 || kb == blocks - 1 || Math.abs(kb - qb) <= 1) ? 1 : 0;
        if (pattern.randomMode() == AttentionPattern.RandomBlocks.HF_EVAL) {
            return count + (kb == 0 ? r : 0);
        }
        return count + (seededRandomBlocks(pattern, layer, head, blocks, qb).contains(kb) ? 1 : 0);
    }

    /** The r candidates (blocks 1..B−2, at least 2 away from q) with the largest keys, lower block first on ties. */
    private static List<Integer> seededRandomBlocks(AttentionPattern.BlockSparse pattern, int layer, int head, int blocks, int qb) {
        List<Integer> candidates = new ArrayList<>();
        for (int c = 1; c <= blocks - 2; c++) {
            if (Math.abs(c - qb) >= 2) {
                candidates.add(c);
            }
        }
        candidates.sort(Comparator.comparingLong((Integer c) -> -seededKey(pattern.seed(), layer, head, qb, c)).thenComparingInt(c -> c));
        return candidates.subList(0, pattern.randomBlocks());
    }

    /** SplitMix64 chained over seed, layer, head, query block, key block; the top 24 bits. */
    private static long seededKey(long seed, int layer, int head, int queryBlock, int keyBlock) {
        long z = seed;
        for (int part : new int[] { layer, head, queryBlock, keyBlock }) {
            z += part + 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
        }
        return z >>> 40;
    }

    private double[][] linear(double[][] x, Linear linear) {
        int in = linear.in();
        int out = linear.out();
        float[] weight = linear.weight().data();
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double sum = linear.bias().data()[o];
                for (int c = 0; c < in; c++) {
                    sum += x[i][c] * weight[c * out + o];
                }
                y[i][o] = sum;
            }
        }
        return y;
    }

    private double[][] layerNorm(double[][] x, LayerNormWeights norm) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            int d = x[i].length;
            double mean = 0;
            for (double value : x[i]) {
                mean += value / d;
            }
            double variance = 0;
            for (double value : x[i]) {
                variance += (value - mean) * (value - mean) / d;
            }
            y[i] = new double[d];
            for (int c = 0; c < d; c++) {
                y[i][c] = (x[i][c] - mean) / Math.sqrt(variance + config.layerNormEps()) * norm.gamma().data()[c] + norm.beta().data()[c];
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] sum = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            sum[i] = new double[a[i].length];
            for (int c = 0; c < a[i].length; c++) {
                sum[i][c] = a[i][c] + b[i][c];
            }
        }
        return sum;
    }

    /** erf to about 1e-14: its Taylor series for |x| ≤ 3, the continued fraction of erfc beyond. */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax <= 3) {
            double term = x;
            double sum = x;
            for (int k = 1; k < 100 && Math.abs(term) > 1e-17; k++) {
                term *= -x * x / k;
                sum += term / (2 * k + 1);
            }
            return 2 / Math.sqrt(Math.PI) * sum;
        }
        double fraction = ax;
        for (int k = 80; k >= 1; k--) {
            fraction = ax + (k / 2.0) / fraction;
        }
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / fraction;
        return Math.signum(x) * (1 - erfc);
    }
}
