package io.longdoc;

/** Vector comparisons the tests and benchmarks share. */
public final class TestVectors {

    private TestVectors() {}

    /** The cosine of two vectors of any length, summed in double (neither needs to be a unit vector). */
    public static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
