package io.longdoc.search.reader;

import io.longdoc.text.TokenizedPair;

import java.util.Arrays;

/**
 * The one sequence a span reader runs, in Longformer's question-answering recipe: {@code [CLS] question [SEP] text
 * [SEP]} in the tokenizer's own pair template, global attention on every token before the first separator ([CLS] and
 * the question, as transformers' LongformerForQuestionAnswering sets it), and the text cut at its end to fit the model.
 *
 * @param pair          the sequence the model reads
 * @param globalMask    1 for [CLS] and every question token, 0 elsewhere
 * @param textStart     index of the first text token
 * @param textEnd       one past the index of the last text token kept
 * @param droppedTokens text tokens cut off to fit the model (0 when the whole text fits)
 */
record QaSequence(TokenizedPair pair, long[] globalMask, int textStart, int textEnd, int droppedTokens) {

    static QaSequence of(TokenizedPair full, int maxTokens) {
        int questionEnd = full.end(TokenizedPair.FIRST);
        int textStart = full.first(TokenizedPair.SECOND);
        if (questionEnd < 0) {
            throw new IllegalArgumentException("the question has no tokens");
        }
        if (textStart < 0) {
            throw new IllegalArgumentException("the text has no tokens");
        }
        int textTokens = full.end(TokenizedPair.SECOND) - textStart;
        int fixed = full.length() - textTokens;
        if (fixed >= maxTokens) {
            throw new IllegalArgumentException(
                "the question is too long: with the special tokens it takes " + fixed + " of the model's " + maxTokens + " tokens, leaving none for the text"
            );
        }
        TokenizedPair pair = full.truncateSecond(maxTokens);
        long[] global = new long[pair.length()];
        Arrays.fill(global, 0, questionEnd, 1L); // the question comes first, so truncation never moves it
        return new QaSequence(pair, global, textStart, pair.end(TokenizedPair.SECOND), full.length() - pair.length());
    }

    long[] ids() {
        return pair.tokens().ids();
    }
}
