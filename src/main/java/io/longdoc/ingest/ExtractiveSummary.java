package io.longdoc.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks the {@code k} sections that best summarise a document: central ones (close to the document vector), kept
 * diverse with maximal marginal relevance (MMR), returned in document order so the summary reads naturally.
 */
public final class ExtractiveSummary {

    private final int k;
    private final double lambda;

    /** @param lambda weight of centrality against redundancy, in [0, 1] (1 = centrality only) */
    public ExtractiveSummary(int k, double lambda) {
        if (k < 1) {
            throw new IllegalArgumentException("summary size must be at least 1, got: " + k);
        }
        if (lambda < 0 || lambda > 1) {
            throw new IllegalArgumentException("lambda must be in [0, 1], got: " + lambda);
        }
        this.k = k;
        this.lambda = lambda;
    }

    /** Indices of the chosen sections in ascending (document) order; vectors must be unit length. */
    public List<Integer> select(float[] documentVector, List<float[]> sectionVectors) {
        int n = sectionVectors.size();
        double[] centrality = new double[n];
        for (int i = 0; i < n; i++) {
            centrality[i] = dot(documentVector, sectionVectors.get(i));
        }
        boolean[] chosen = new boolean[n];
        List<Integer> picks = new ArrayList<>();
        while (picks.size() < Math.min(k, n)) {
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (chosen[i]) {
                    continue;
                }
                double redundancy = 0;
                for (int p : picks) {
                    redundancy = Math.max(redundancy, dot(sectionVectors.get(i), sectionVectors.get(p)));
                }
                double score = lambda * centrality[i] - (1 - lambda) * redundancy;
                if (score > bestScore) { // ties keep the earlier section
                    bestScore = score;
                    best = i;
                }
            }
            chosen[best] = true;
            picks.add(best);
        }
        picks.sort(null);
        return picks;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
