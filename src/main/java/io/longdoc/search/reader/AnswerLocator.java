package io.longdoc.search.reader;

import io.longdoc.document.StoredSection;
import ai.onnxruntime.OrtException;
import io.longdoc.model.LoadedModel;
import io.longdoc.runtime.HiddenStates;
import io.longdoc.text.TokenizedText;

import java.text.BreakIterator;
import java.util.Locale;
import java.util.Set;

/**
 * Places the answer inside a document by late interaction over its best sections: the {@value #SECTIONS_READ}
 * sections the stored vectors rank first are encoded on their own (short texts, never the whole document); the
 * section whose pooled vector best matches the question's, added to its stored match score, holds the answer, and
 * its best sentence is the one whose tokens best match the question's tokens (MaxSim: for each question token its
 * best cosine with a sentence token, averaged) plus the share of the question's content words it holds.
 * Re-encoding a few sections lets the model compare question and passage as it was trained to (pooled vectors),
 * which the stored mean-of-tokens section vectors cannot (on the deep-section IT the answer lies in the heading's
 * section for 12 of 20 questions; with the stored vectors alone for 9).
 */
public final class AnswerLocator {

    /** How many of a document's best sections are encoded to place the answer (each costs one short forward pass). */
    public static final int SECTIONS_READ = 6;

    private AnswerLocator() {}

    /**
     * The best sentence of the best section; null when the document has no sections. {@code text} is the
     * document's field text, whose character offsets the stored sections refer to.
     */
    public static Answer locate(LoadedModel model, QuestionVectors question, Set<String> questionTerms, String text,
                                java.util.List<StoredSection> sections, SectionMatcher.Match match) throws OrtException {
        Answer best = null;
        for (int i = 0; i < Math.min(SECTIONS_READ, match.sectionsBestFirst().length); i++) {
            int index = match.sectionsBestFirst()[i];
            StoredSection section = sections.get(index);
            if (section.end() > text.length() || section.start() >= section.end()) {
                continue; // the text changed since ingest (or the section is empty): its offsets mean nothing here
            }
            Answer answer = bestSentence(model, question, questionTerms, text, section.start(), section.end(), match.sectionScores()[index]);
            if (answer != null && (best == null || answer.score() > best.score())) {
                best = answer;
            }
        }
        return best;
    }

    /**
     * The best sentence of the section {@code [from, to)}, scored by its section (stored match score + pooled cosine
     * with the question); within the section, sentences compete by MaxSim and word share.
     */
    private static Answer bestSentence(LoadedModel model, QuestionVectors question, Set<String> questionTerms, String text, int from, int to,
                                       double storedScore) throws OrtException {
        String sectionText = text.substring(from, to);
        TokenizedText tokens = model.tokenize(sectionText).truncate(model.spec().maxTokens());
        LoadedModel.Encoding encoding = model.encode(tokens);
        double sectionScore = storedScore + SectionMatcher.cosine(question.pooled(), encoding.embedding());
        HiddenStates hidden = encoding.hidden();
        float[][] tokenVectors = new float[tokens.length()][];
        for (int t = 0; t < tokens.length(); t++) {
            tokenVectors[t] = tokens.special()[t] ? null : HiddenStates.normalize(hidden.meanOfRows(t, t + 1));
        }
        BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
        sentences.setText(sectionText);
        Answer best = null;
        double bestWithin = Double.NEGATIVE_INFINITY;
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
            double within = maxSim(question, tokens, tokenVectors, s, e) + lexicalShare(questionTerms, sectionText.substring(s, e));
            if (Double.isNaN(within) == false && within > bestWithin) {
                bestWithin = within;
                best = new Answer(sectionText.substring(s, e), from + s, from + e, sectionScore);
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
