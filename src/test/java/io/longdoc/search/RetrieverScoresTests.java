package io.longdoc.search;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The retriever's normalised scores and the options it refuses. */
class RetrieverScoresTests {

    @Test
    void readHitsLandInTheUpperHalfOfZeroToOne() {
        assertEquals(0.5f, QaRerankRetriever.normalised(1f));
        assertEquals(1f, QaRerankRetriever.normalised(2f));
        assertEquals(0.75f, QaRerankRetriever.normalised((float) QaScoring.parse("reader", null).score(0, 0.5)));
        // a hit past the window (not read) stays below every read one
        assertTrue(QaRerankRetriever.normalised((float) QaScoring.DEFAULT.score(0, Double.NaN)) <= 0.25f);
    }

    @Test
    void aFirstStageBesideAChildIsRefused() {
        QaRequest request = new QaRequest("q?", "body", null, ReaderKind.AUTO, null, null, null);
        var child = new org.elasticsearch.search.retriever.StandardRetrieverBuilder(new org.elasticsearch.index.query.MatchAllQueryBuilder());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new QaRetrieverOptions(request, FirstStage.KNN, QaScoring.DEFAULT, 10, child));
        assertTrue(e.getMessage().contains("[first_stage] applies only without [retriever]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new QaRetrieverOptions(request, null, QaScoring.DEFAULT, 0, null));
        assertTrue(e.getMessage().contains("[rank_window_size] must be at least 1"), e.getMessage());
    }
}
