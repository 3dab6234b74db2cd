package io.longdoc.bench;

import io.longdoc.corpus.Corpus;
import io.longdoc.text.TokenizedText;
import io.longdoc.text.Tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Documents of a corpus cut to a fixed number of the model's tokens, for the end-to-end steps. */
final class LongDocuments {

    /** A document's opening that the model reads as {@code tokens} tokens, its special tokens included. */
    record Document(String id, String text, int tokens) {}

    private LongDocuments() {}

    /**
     * The first {@code count} documents long enough to fill {@code tokens} tokens, each cut so that with its special
     * tokens ([CLS], [SEP]) it is that long (the cut falls at a token's end, so no word piece is split; the node's own
     * tokenization of the cut text may differ by a token at the edge). Shorter documents are passed over.
     */
    static List<Document> cut(Tokenizer tokenizer, Path corpus, int count, int tokens) {
        List<Document> documents = new ArrayList<>(count);
        int seen = 0;
        try (Stream<Corpus.Document> all = Corpus.stream(corpus)) {
            for (Iterator<Corpus.Document> it = all.iterator(); it.hasNext() && documents.size() < count;) {
                Corpus.Document document = it.next();
                seen++;
                cut(tokenizer.tokenize(document.text()), document, tokens).ifPresent(documents::add);
            }
        }
        if (documents.size() < count) {
            throw new IllegalStateException("[" + corpus + "] has " + documents.size() + " documents of at least " + tokens + " tokens among " + seen
                + ", " + count + " wanted");
        }
        return documents;
    }

    private static Optional<Document> cut(TokenizedText tokenized, Corpus.Document document, int tokens) {
        int textTokens = tokens - (tokenized.length() - tokenized.textTokens());
        int kept = 0;
        for (int i = 0; i < tokenized.length(); i++) {
            if (tokenized.special()[i] == false && ++kept == textTokens) {
                return Optional.of(new Document(document.id(), document.text().substring(0, tokenized.ends()[i]), tokens));
            }
        }
        return Optional.empty();
    }
}
