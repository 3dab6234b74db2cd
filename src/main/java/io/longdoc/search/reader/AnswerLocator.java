package io.longdoc.search.reader;

import io.longdoc.document.StoredSection;
import ai.onnxruntime.OrtException;
import io.longdoc.model.LoadedModel;
import io.longdoc.runtime.HiddenStates;
import io.longdoc.text.TokenizedText;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Places the answer inside a document by late interaction over its best sections: the {@value #SECTIONS_READ}
 * sections the stored vectors rank first are encoded on their own (short texts, never the whole document), and the
 * answer is their sentence whose tokens best match the question's tokens (MaxSim: for each question token its best
 * cosine with a sentence token, averaged). Sentences compete across the sections: choosing first the section most
 * similar to the question as a whole (its pooled vector, stored score or share of the question's words) and then its
 * best sentence put the answer in the heading's section for 82 of 171 dev questions, MaxSim alone for 92
 * (docs/BENCHMARKS.md, "Answer placement").
 */
public final class AnswerLocator {

    /** How many of a document's best sections are encoded to place the answer (each costs one short forward pass). */
    public static final int SECTIONS_READ = 6;

    private AnswerLocator() {}

    /**
     * The best sentence of the best sections; null when the document has no sections. {@code text} is the document's
     * field text, whose character offsets the stored sections refer to.
     */
    public static Answer locate(LoadedModel model, QuestionVectors question, String text, List<StoredSection> sections,
                                SectionMatcher.Match match) throws OrtException {
        List<ReadSection> read = new ArrayList<>();
        for (int i = 0; i < Math.min(SECTIONS_READ, match.sectionsBestFirst().length); i++) {
            int index = match.sectionsBestFirst()[i];
            StoredSection section = sections.get(index);
            if (section.end() > text.length() || section.start() >= section.end()) {
                continue; // the text changed since ingest (or the section is empty): its offsets mean nothing here
            }
            read.add(ReadSection.encode(model, text, section.start(), section.end()));
        }
        return bestSentence(question, read);
    }

    /** A section encoded on its own: where it starts in the document, its text, tokens and each text token's unit vector. */
    record ReadSection(int from, String text, TokenizedText tokens, float[][] tokenVectors) {

        static ReadSection encode(LoadedModel model, String text, int from, int to) throws OrtException {
            String sectionText = text.substring(from, to);
            TokenizedText tokens = model.tokenize(sectionText).truncate(model.spec().maxTokens());
            LoadedModel.Encoding encoding = model.encode(tokens);
            HiddenStates hidden = encoding.hidden();
            float[][] tokenVectors = new float[tokens.length()][];
            for (int t = 0; t < tokens.length(); t++) {
                tokenVectors[t] = tokens.special()[t] ? null : HiddenStates.normalize(hidden.meanOfRows(t, t + 1));
            }
            return new ReadSection(from, sectionText, tokens, tokenVectors);
        }
    }

    /** The sentence with the best MaxSim over all the read sections (the first of equals); null if none has tokens. */
    static Answer bestSentence(QuestionVectors question, List<ReadSection> sections) {
        Answer best = null;
        for (ReadSection section : sections) {
            for (int[] sentence : sentences(section.text())) {
                double score = maxSim(question, section.tokens(), section.tokenVectors(), sentence[0], sentence[1]);
                if (Double.isNaN(score) == false && (best == null || score > best.score())) {
                    best = new Answer(section.text().substring(sentence[0], sentence[1]), section.from() + sentence[0],
                        section.from() + sentence[1], score);
                }
            }
        }
        return best;
    }

    /** The sentences of a text as {@code [start, end)} offsets, trimmed of whitespace; blank ones left out. */
    public static List<int[]> sentences(String text) {
        List<int[]> sentences = new ArrayList<>();
        BreakIterator iterator = BreakIterator.getSentenceInstance(Locale.ROOT);
        iterator.setText(text);
        for (int start = iterator.first(), end = iterator.next(); end != BreakIterator.DONE; start = end, end = iterator.next()) {
            int s = start;
            int e = end;
            while (s < e && Character.isWhitespace(text.charAt(s))) {
                s++;
            }
            while (e > s && Character.isWhitespace(text.charAt(e - 1))) {
                e--;
            }
            if (s < e) {
                sentences.add(new int[] { s, e });
            }
        }
        return sentences;
    }

    /** Mean over question tokens of the best cosine with a token of the span {@code [from, to)}; NaN if it has none. */
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
}
