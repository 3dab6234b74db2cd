package io.longdoc.runtime;

/**
 * The encoder's last hidden state for one sequence: {@code tokens} rows of {@code dims} floats, row-major.
 * Later stages (sections, readers) read rows of it; the document embedding pools it.
 */
public record HiddenStates(float[] values, int tokens, int dims) {

    public HiddenStates {
        if (values.length != (long) tokens * dims) {
            throw new IllegalArgumentException("expected " + tokens + " x " + dims + " values, got " + values.length);
        }
    }

    /** The first token's vector ([CLS]). */
    public float[] first() {
        float[] out = new float[dims];
        System.arraycopy(values, 0, out, 0, dims);
        return out;
    }

    /** The mean of all rows (the sequence holds no padding: one document per run). */
    public float[] mean() {
        return meanOfRows(0, tokens);
    }

    /** The mean of rows {@code [from, to)}: a section's vector, taken from the one pass over the whole document. */
    public float[] meanOfRows(int from, int to) {
        if (from < 0 || to > tokens || from >= to) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") are not a non-empty range of " + tokens);
        }
        float[] out = new float[dims];
        for (int t = from; t < to; t++) {
            int row = t * dims;
            for (int i = 0; i < dims; i++) {
                out[i] += values[row + i];
            }
        }
        for (int i = 0; i < dims; i++) {
            out[i] /= (to - from);
        }
        return out;
    }

    /** Scales a vector to unit L2 norm in place (a zero vector stays zero). */
    public static float[] normalize(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        if (sum > 0) {
            float scale = (float) (1.0 / Math.sqrt(sum));
            for (int i = 0; i < vector.length; i++) {
                vector[i] *= scale;
            }
        }
        return vector;
    }
}
