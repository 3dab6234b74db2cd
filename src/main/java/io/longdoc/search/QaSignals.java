package io.longdoc.search;

import io.longdoc.search.reader.SectionMatcher;
import io.longdoc.document.StoredSection;

import org.apache.lucene.search.Explanation;

import java.util.ArrayList;
import java.util.List;

/**
 * What one read hit's score is made of, kept per shard and search: {@code explain} names the signals, and the
 * answers fetch phase reuses the read (loaded text, section match) instead of loading and matching the hit again.
 *
 * @param rank             0-based rank in the first stage (the query's, for the rescorer)
 * @param firstStageScore  the score the first stage gave it
 * @param read             the reader's work on it
 * @param finalScore       the hit's score after the reader
 * @param lexicalMargin    the question's lexical margin over the candidates read with it (shrinks the rank share)
 */
record QaSignals(int rank, float firstStageScore, CandidateReader.Read read, double finalScore, double lexicalMargin) {

    Explanation explain(QaScoring scoring, String firstStage) {
        List<Explanation> reader = new ArrayList<>();
        SectionMatcher.Match match = read.match();
        int best = match == null ? -1 : match.best();
        if (best >= 0) {
            StoredSection section = read.loaded().forMatcher().sections().get(best);
            reader.add(Explanation.match(section.start(), "best section: characters [" + section.start() + ", " + section.end()
                + ") of the field (section " + best + ")"));
            reader.add(Explanation.match(match.cosines()[best], "section cosine: the question's mean token vector with the stored section vector"));
            reader.add(Explanation.match(match.lexicalShares()[best], "lexical share: IDF-weighted share of the question's content words in the section "
                + "(IDF over the sections of this shard's read candidates), weight " + SectionMatcher.LEXICAL_WEIGHT));
        }
        Explanation readerScore = Explanation.match(read.score(), match == null
            ? "reader score in [0, 1]: sigmoid of the span reader's best start + end logit / 4"
            : "reader score in [0, 1]: (cosine + weight × lexical share + 1) / (2 + weight)", reader);
        return Explanation.match(finalScore, "long_doc_qa, " + scoring.describe(lexicalMargin),
            readerScore,
            Explanation.match(rank + 1, rank < 0 ? "first-stage rank: not known (explained in the fetch phase, the hit read again alone)"
                : "first-stage rank (" + firstStage + ")"),
            Explanation.match(firstStageScore, "first-stage score (" + firstStage + ")"));
    }
}
