package io.longdoc.graph;

/**
 * A weight matrix [in, out] quantized symmetrically per output channel (column): {@code scales[j] = max_i |w[i][j]| / 127}
 * and {@code values[i * out + j] = round(w[i][j] / scales[j])} in [−127, 127] (zero point 0). Per column because the
 * columns of a projection differ in range by more than an order of magnitude, and one scale for all of them would
 * leave the small ones a handful of levels. −128 is never used, so negating a value never overflows.
 */
public record Int8Weights(byte[] values, float[] scales, int in, int out) {

    static final int LEVELS = 127;

    public static Int8Weights quantize(FloatTensor weight) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("int8 weights need a matrix [in, out], got rank " + weight.rank());
        }
        int in = weight.dim(0);
        int out = weight.dim(1);
        float[] w = weight.data();
        float[] scales = new float[out];
        for (int i = 0; i < in; i++) {
            for (int j = 0; j < out; j++) {
                scales[j] = Math.max(scales[j], Math.abs(w[i * out + j]));
            }
        }
        for (int j = 0; j < out; j++) {
            // an all-zero column quantizes to zeros under any scale; 1 keeps the division defined
            scales[j] = scales[j] == 0 ? 1f : scales[j] / LEVELS;
        }
        byte[] values = new byte[in * out];
        for (int i = 0; i < in; i++) {
            for (int j = 0; j < out; j++) {
                long q = Math.round(w[i * out + j] / scales[j]);
                values[i * out + j] = (byte) Math.max(-LEVELS, Math.min(LEVELS, q));
            }
        }
        return new Int8Weights(values, scales, in, out);
    }

    /** values × scale, back in fp32: what the int8 GEMM multiplies by. */
    public float dequantized(int i, int j) {
        return values[i * out + j] * scales[j];
    }
}
