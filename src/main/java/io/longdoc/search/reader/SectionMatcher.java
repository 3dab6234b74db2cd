package io.longdoc.search.reader;

import io.longdoc.document.StoredSection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ranks candidate documents by their best-matching section, from what ingest stored (no model run): each section
 * scores the cosine of its vector with the question's mean token vector plus the IDF-weighted share of the
 * question's content words it contains. IDF is taken over the sections of the candidates being compared, so a word
 * every candidate has (a topic word) counts little and a word only one has (a name) counts much.
 */
public final class SectionMatcher {

    /**
     * Weight of the lexical share against the cosine (both lie in [0, 1] for the texts that matter). Tried 0.5: the
     * deep-section IT's pages rose 16 → 17 of 20 in the top 3 but its answers fell 10 → 9, and passkey under
     * score_mode combined fell 10 → 7 of 10.
     */
    public static final double LEXICAL_WEIGHT = 1.0;

    /** One candidate's sections and their texts (section {@code i} is {@code texts.get(i)}). */
    public record Candidate(List<StoredSection> sections, List<String> texts) {
        public Candidate {
            if (sections.size() != texts.size()) {
                throw new IllegalArgumentException(sections.size() + " sections but " + texts.size() + " section texts");
            }
        }

        /**
         * The stored sections that still lie inside the field's text, with their texts; a section past the text's end
         * (the text changed since ingest) is left out rather than failing the search. No text: no sections.
         */
        public static Candidate of(String text, List<StoredSection> stored) {
            List<StoredSection> inText = new ArrayList<>(stored.size());
            List<String> texts = new ArrayList<>(stored.size());
            for (StoredSection section : stored) {
                if (text != null && section.end() <= text.length()) {
                    inText.add(section);
                    texts.add(text.substring(section.start(), section.end()));
                }
            }
            return new Candidate(inText, texts);
        }
    }

    /**
     * A candidate's score (its best section's), its sections' indices, best first, and each section's score with its
     * two parts (cosine with the question, IDF-weighted share of the question's words) for {@code explain}.
     */
    public record Match(double score, int[] sectionsBestFirst, double[] sectionScores, double[] cosines, double[] lexicalShares) {
        public static final Match NONE = new Match(0, new int[0], new double[0], new double[0], new double[0]);

        /** Index of the best section; -1 when there are none. */
        public int best() {
            return sectionsBestFirst.length == 0 ? -1 : sectionsBestFirst[0];
        }
    }

    private SectionMatcher() {}

    public static List<Match> rank(QuestionVectors question, Set<String> questionTerms, List<Candidate> candidates) {
        List<List<Set<String>>> sectionTerms = new ArrayList<>(candidates.size());
        for (Candidate candidate : candidates) {
            List<Set<String>> terms = new ArrayList<>(candidate.texts().size());
            for (String text : candidate.texts()) {
                terms.add(QuestionTerms.of(text));
            }
            sectionTerms.add(terms);
        }
        Map<String, Double> idf = idf(questionTerms, sectionTerms);
        double totalIdf = idf.values().stream().mapToDouble(Double::doubleValue).sum();
        List<Match> matches = new ArrayList<>(candidates.size());
        for (int c = 0; c < candidates.size(); c++) {
            List<StoredSection> sections = candidates.get(c).sections();
            if (sections.isEmpty()) {
                matches.add(Match.NONE);
                continue;
            }
            double[] scores = new double[sections.size()];
            double[] cosines = new double[sections.size()];
            double[] shares = new double[sections.size()];
            for (int s = 0; s < sections.size(); s++) {
                double lexical = 0;
                for (String term : questionTerms) {
                    if (sectionTerms.get(c).get(s).contains(term)) {
                        lexical += idf.get(term);
                    }
                }
                shares[s] = totalIdf > 0 ? lexical / totalIdf : 0;
                cosines[s] = cosine(question.mean(), sections.get(s).vector());
                scores[s] = cosines[s] + LEXICAL_WEIGHT * shares[s];
            }
            int[] order = bestFirst(scores);
            matches.add(new Match(scores[order[0]], order, scores, cosines, shares));
        }
        return matches;
    }

    /** BM25's IDF over sections: ln(1 + (N − df + 0.5) / (df + 0.5)). */
    private static Map<String, Double> idf(Set<String> terms, List<List<Set<String>>> sectionTerms) {
        int sections = 0;
        Map<String, Integer> df = new HashMap<>();
        for (List<Set<String>> candidate : sectionTerms) {
            for (Set<String> section : candidate) {
                sections++;
                for (String term : terms) {
                    if (section.contains(term)) {
                        df.merge(term, 1, Integer::sum);
                    }
                }
            }
        }
        Map<String, Double> idf = new HashMap<>();
        for (String term : terms) {
            int f = df.getOrDefault(term, 0);
            idf.put(term, Math.log(1 + (sections - f + 0.5) / (f + 0.5)));
        }
        return idf;
    }

    static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("the question has " + a.length + " dims but a stored section has " + b.length
                + " (were the documents encoded by another model?)");
        }
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot; // both are unit vectors
    }

    private static int[] bestFirst(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(scores[y], scores[x]));
        return java.util.Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }
}
