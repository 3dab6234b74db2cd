package io.longdoc.eval;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code hybrid-rrf}: Elasticsearch's {@code rrf} retriever. Each document scores the sum over the rankings that hold
 * it of 1 / (k + rank), rank counted from 1, with {@code rank_constant} k = 60 (its default); ties go to the smaller id
 * so runs are reproducible.
 */
final class ReciprocalRankFusion {

    static final int RANK_CONSTANT = 60;

    private ReciprocalRankFusion() {}

    static List<String> fuse(List<List<String>> rankings, int size) {
        Map<String, Double> scores = new HashMap<>();
        for (List<String> ranking : rankings) {
            for (int i = 0; i < ranking.size(); i++) {
                scores.merge(ranking.get(i), 1.0 / (RANK_CONSTANT + i + 1), Double::sum);
            }
        }
        return scores.keySet().stream()
            .sorted(Comparator.comparingDouble((String id) -> -scores.get(id)).thenComparing(id -> id))
            .limit(size)
            .toList();
    }
}
