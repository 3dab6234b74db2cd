package io.longdoc.corpus;

import io.longdoc.text.TokenizedText;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The deep-section task of EVAL.md: section headings of at least 3 words that occur once in the corpus, whose
 * section starts after the document's first 512 tokens, asked as questions; the target is the document. The harness
 * takes the first qualifying heading of each document by default, so no document weighs more than another (a page
 * with 30 qualifying headings would otherwise count 30 times) and a full run fits a sitting on a small machine.
 */
public final class DeepSectionTask {

    /** A question (the heading), its document and the section's characters {@code [start, end)} in that document's text. */
    public record Query(String documentId, String heading, int start, int end) {}

    static final int MIN_WORDS = 3;
    static final int DEPTH_TOKENS = 512;

    private DeepSectionTask() {}

    /**
     * Up to {@code limit} queries ({@code limit <= 0}: all), in corpus order, at most {@code perDocument} from one
     * document ({@code perDocument <= 0}: every qualifying heading).
     */
    public static List<Query> select(List<Corpus.Document> corpus, Function<String, TokenizedText> tokenizer, int limit, int perDocument) {
        Map<String, Integer> uses = new HashMap<>();
        for (Corpus.Document document : corpus) {
            for (Corpus.Heading section : document.sections()) {
                uses.merge(section.heading().strip(), 1, Integer::sum);
            }
        }
        List<Query> queries = new ArrayList<>();
        for (Corpus.Document document : corpus) {
            int taken = 0;
            for (Corpus.Heading section : document.sections()) {
                String heading = section.heading().strip();
                if (heading.split("\\s+").length >= MIN_WORDS && uses.get(heading) == 1 && section.end() > section.start()
                    && section.end() <= document.text().length()
                    && tokenizer.apply(document.text().substring(0, section.start())).textTokens() > DEPTH_TOKENS) {
                    queries.add(new Query(document.id(), heading, section.start(), section.end()));
                    if (++taken == perDocument || queries.size() == limit) {
                        break;
                    }
                }
            }
            if (limit > 0 && queries.size() == limit) {
                break;
            }
        }
        return queries;
    }
}
