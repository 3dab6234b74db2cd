package io.longdoc.graph.importer;

import io.longdoc.graph.FloatTensor;

import java.util.Arrays;
import java.util.Locale;

/**
 * How {@link Longify} fills a position table longer than the learned one, training-free (LongEmbed, Zhu et al. 2024,
 * compares these on embedding models with absolute positions). With L learned rows extended to R rows:
 * <ul>
 *   <li>{@link #COPY}: row i is learned row i mod L (the Longformer warm start; LongEmbed's "recurrent positions").
 *       Neighbours keep their learned distances except across a copy's seam, and an input of at most L tokens
 *       computes what the original model computes.</li>
 *   <li>{@link #INTERPOLATE}: row i is the learned table read at the real position i · (L − 1) / (R − 1), linearly
 *       between its two nearest rows (position interpolation): one smooth table, R / L rows per learned row.</li>
 *   <li>{@link #GROUP}: row i is learned row ⌊i / g⌋ with g = ⌈R / L⌉ (grouped positions): g neighbours share a
 *       position.</li>
 * </ul>
 * Only {@link #COPY} keeps short inputs as the original model saw them; the other two shrink every distance by R / L,
 * for short and long inputs alike.
 */
public enum PositionExtension {
    COPY,
    INTERPOLATE,
    GROUP;

    /** The spec's name: copy, interpolate, group. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PositionExtension parse(Object value) {
        for (PositionExtension extension : values()) {
            if (extension.toString().equals(String.valueOf(value))) {
                return extension;
            }
        }
        throw new IllegalArgumentException("[compile.positions] must be one of " + Arrays.toString(values()) + ", got [" + value + "]");
    }

    /**
     * A table of {@code rows} rows: the first {@code offset} rows (RoBERTa's padding rows) as they are, the learned
     * rows after them extended by this rule.
     */
    public FloatTensor extend(FloatTensor table, int offset, int rows) {
        if (table.rank() != 2) {
            throw new IllegalArgumentException("the position table must be a matrix, shape is " + Arrays.toString(table.shape()));
        }
        int oldRows = table.dim(0), d = table.dim(1);
        int learned = oldRows - offset;
        if (offset < 0 || learned < 1) {
            throw new IllegalArgumentException("position offset " + offset + " leaves no learned rows in a table of " + oldRows);
        }
        if (rows < oldRows) {
            throw new IllegalArgumentException("cannot extend a table of " + oldRows + " position rows to " + rows);
        }
        float[] in = table.data();
        float[] out = new float[Math.multiplyExact(rows, d)];
        System.arraycopy(in, 0, out, 0, offset * d);
        int extended = rows - offset;
        int group = (extended + learned - 1) / learned;
        for (int i = 0; i < extended; i++) {
            int to = (offset + i) * d;
            switch (this) {
                case COPY -> System.arraycopy(in, (offset + i % learned) * d, out, to, d);
                case GROUP -> System.arraycopy(in, (offset + i / group) * d, out, to, d);
                case INTERPOLATE -> {
                    // real position p in [0, learned − 1]; an exact row where p is whole
                    double p = extended == 1 ? 0 : (double) i * (learned - 1) / (extended - 1);
                    int below = (int) Math.floor(p);
                    int above = Math.min(below + 1, learned - 1);
                    float t = (float) (p - below);
                    int a = (offset + below) * d, b = (offset + above) * d;
                    for (int k = 0; k < d; k++) {
                        out[to + k] = in[a + k] + t * (in[b + k] - in[a + k]);
                    }
                }
            }
        }
        return FloatTensor.of(out, rows, d);
    }
}
