package io.longdoc.bench;

import io.longdoc.corpus.Corpus;
import io.longdoc.text.TokenizedText;
import io.longdoc.text.Tokenizer;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.stream.Stream;

/** Real text as token ids: documents of a JSONL corpus joined until there are enough tokens, cut to any length. */
final class CorpusTokens {

    private final long[] ids;

    private CorpusTokens(long[] ids) {
        this.ids = ids;
    }

    /** At least {@code tokens} ids (special tokens included) of the corpus's documents, joined by blank lines. */
    static CorpusTokens read(Tokenizer tokenizer, Path corpus, int tokens) {
        StringBuilder text = new StringBuilder();
        try (Stream<Corpus.Document> documents = Corpus.stream(corpus)) {
            for (Iterator<Corpus.Document> it = documents.iterator(); it.hasNext();) {
                text.append(it.next().text()).append("\n\n");
                TokenizedText tokenized = tokenizer.tokenize(text.toString());
                if (tokenized.length() >= tokens) {
                    return new CorpusTokens(tokenized.ids());
                }
            }
        }
        throw new IllegalArgumentException("[" + corpus + "] holds fewer than " + tokens + " tokens in all");
    }

    /** The first {@code n} ids, closed with the sequence's own last token ([SEP]) as the model saw in training. */
    long[] document(int n) {
        if (n < 2 || n > ids.length) {
            throw new IllegalArgumentException("a document of " + n + " tokens from " + ids.length + " read");
        }
        long[] doc = Arrays.copyOf(ids, n);
        doc[n - 1] = ids[ids.length - 1];
        return doc;
    }
}
