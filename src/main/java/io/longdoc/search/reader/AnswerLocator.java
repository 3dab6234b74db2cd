package io.longdoc.search.reader;

import ai.onnxruntime.OrtException;
import io.longdoc.model.LoadedModel;
import io.longdoc.runtime.HiddenStates;
import io.longdoc.text.TokenizedText;

import java.text.BreakIterator;
import java.util.Locale;
import java.util.Set;

/**
 * Places the answer inside a document's best sections by late interaction: each of those short sections is
 * encoded (a few hundred tokens, never the whole document), and every sentence in it scores the mean over the
 * question's tokens of their best cosine with the sentence's contextual token vectors (MaxSim), plus the share of
 * the question's content words the sentence holds. The best sentence is the answer.
 */
public final class AnswerLocator {

    /** How many of a document's best sections are read to place the answer. */
    public static final int SECTIONS_READ = 2;

    private AnswerLocator() {}

    /**
     * The best sentence of the sections {@code match} ranks first; null when the document has no sections.
     * {@code text} is the document's field text, whose character offsets the stored sections refer to.
     */
    public static Answer locate(LoadedModel model, QuestionVectors question, Set<String> questionTerms, String text,
                                java.util.List<StoredSection> sections, SectionMatcher.Match match) throws OrtException {
        Answer best = null;
        for (int i = 0; i < Math.min(SECTIONS_READ, match.sectionsBestFirst().length); i++) {
            StoredSection section = sections.get(match.sectionsBestFirst()[i]);
            if (section.end() > text.length() || section.start() >= section.end()) {
                continue; // the text changed since ingest (or the section is empty): its offsets mean nothing here
            }
            Answer answer = bestSentence(model, question, questionTerms, text, section.start(), section.end());
            if (answer != null && (best == null || answer.score() > best.score())) {
                best = answer;
            }
        }
        return best;
    }

    private static Answer bestSentence(LoadedModel model, QuestionVectors question, Set<String> questionTerms, String text, int from, int to)
        throws OrtException {
        String sectionText = text.substring(from, to);
        TokenizedText tokens = model.tokenize(sectionText).truncate(model.spec().maxTokens());
        HiddenStates hidden = model.encode(tokens).hidden();
        float[][] tokenVectors = new float[tokens.length()][];
        for (int t = 0; t < tokens.length(); t++) {
            tokenVectors[t] = tokens.special()[t] ? null : HiddenStates.normalize(hidden.meanOfRows(t, t + 1));
        }
        BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
        sentences.setText(sectionText);
        Answer best = null;
        for (int start = sentences.first(), end = sentences.next(); end != BreakIterator.DONE; start = end, end = sentences.next()) {
            int s = start;
            int e = end;
            while (s < e && Character.isWhitespace(sectionText.charAt(s))) {
                s++;
            }
            while (e > s && Character.isWhitespace(sectionText.charAt(e - 1))) {
                e--;
            }
            if (s == e) {
                continue;
            }
            double score = maxSim(question, tokens, tokenVectors, s, e) + lexicalShare(questionTerms, sectionText.substring(s, e));
            if (Double.isNaN(score) == false && (best == null || score > best.score())) {
                best = new Answer(sectionText.substring(s, e), from + s, from + e, score);
            }
        }
        return best;
    }

    /** Mean over question tokens of the best cosine with a token of the sentence {@code [from, to)}; NaN if it has none. */
    static double maxSim(QuestionVectors question, TokenizedText tokens, float[][] tokenVectors, int from, int to) {
        double total = 0;
        boolean any = false;
        for (float[] q : question.tokens()) {
            double best = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < tokens.length(); t++) {
                if (tokenVectors[t] != null && tokens.starts()[t] >= from && tokens.ends()[t] <= to) {
                    best = Math.max(best, SectionMatcher.cosine(q, tokenVectors[t]));
                    any = true;
                }
            }
            total += best;
        }
        return any ? total / question.tokens().length : Double.NaN;
    }

    private static double lexicalShare(Set<String> questionTerms, String sentence) {
        if (questionTerms.isEmpty()) {
            return 0;
        }
        Set<String> words = QuestionTerms.of(sentence);
        long hits = questionTerms.stream().filter(words::contains).count();
        return (double) hits / questionTerms.size();
    }
}
