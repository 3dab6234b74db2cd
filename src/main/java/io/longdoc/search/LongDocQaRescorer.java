package io.longdoc.search;

import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.elasticsearch.search.rescore.RescoreContext;
import org.elasticsearch.search.rescore.Rescorer;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reranks a shard's top {@code window_size} hits with the reader. The window's hits score in [1, 2]; hits past the
 * window keep their order below them in (0, 0.5] — never above a window hit (the mistake of Elasticsearch #120670).
 */
final class LongDocQaRescorer implements Rescorer {

    static final LongDocQaRescorer INSTANCE = new LongDocQaRescorer();

    /** The rescorer's per-shard state: the resolved request and how to read candidates. */
    static final class Context extends RescoreContext implements AnswerSource {
        final QaRequest request;
        final QaScoring scoring;
        final CandidateLoader loader;
        final CandidateReader reader;
        /** The window's reads: for explain and the answers fetch phase. */
        final HitReads reads = new HitReads();

        Context(int windowSize, QaRequest request, QaScoring scoring, CandidateLoader loader, CandidateReader reader) {
            super(windowSize, INSTANCE);
            this.request = request;
            this.scoring = scoring;
            this.loader = loader;
            this.reader = reader;
        }

        @Override
        public CandidateLoader loader() {
            return loader;
        }

        @Override
        public CandidateReader reader() {
            return reader;
        }

        @Override
        public HitReads reads() {
            return reads;
        }
    }

    @Override
    public TopDocs rescore(TopDocs topDocs, IndexSearcher searcher, RescoreContext rescoreContext) throws IOException {
        Context context = (Context) rescoreContext;
        ScoreDoc[] hits = topDocs.scoreDocs;
        int window = Math.min(context.getWindowSize(), hits.length);
        int[] docs = new int[window];
        for (int i = 0; i < window; i++) {
            docs[i] = hits[i].doc;
        }
        List<CandidateReader.Read> reads = context.reader.read(context.loader.load(searcher.getIndexReader().leaves(), docs));
        double margin = CandidateReader.lexicalMargin(reads);
        double[] readerScores = new double[window];
        Set<Integer> read = new HashSet<>();
        for (int i = 0; i < window; i++) {
            read.add(hits[i].doc);
            readerScores[i] = reads.get(i).score();
            double score = context.scoring.score(i, readerScores[i], margin);
            context.reads.put(hits[i].doc, new QaSignals(i, hits[i].score, reads.get(i), score, margin));
        }
        context.setRescoredDocs(read);
        return new TopDocs(topDocs.totalHits, rerankWindow(hits, window, readerScores, context.scoring, margin));
    }

    /**
     * New scores for a shard's hits: the first {@code window} from their reader scores, sorted, in [1, 2]; the rest
     * keep their order below in (0, 0.5] whatever the reader thought of the window.
     */
    static ScoreDoc[] rerankWindow(ScoreDoc[] hits, int window, double[] readerScores, QaScoring scoring, double lexicalMargin) {
        ScoreDoc[] rescored = new ScoreDoc[hits.length];
        for (int rank = 0; rank < hits.length; rank++) {
            double reader = rank < window ? readerScores[rank] : Double.NaN;
            rescored[rank] = new ScoreDoc(hits[rank].doc, (float) scoring.score(rank, reader, lexicalMargin), hits[rank].shardIndex);
        }
        Arrays.sort(rescored, 0, window, (a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.doc, b.doc));
        return rescored;
    }

    @Override
    public Explanation explain(int topLevelDocId, IndexSearcher searcher, RescoreContext rescoreContext, Explanation sourceExplanation) {
        boolean read = rescoreContext.isRescored(topLevelDocId);
        Context context = (Context) rescoreContext;
        QaSignals signals = context.reads.get(topLevelDocId);
        if (signals == null && read) {
            // the fetch phase of a multi-shard search runs in a new context: read this hit again, alone (its lexical
            // share then takes IDF over its own sections, and its first-stage rank is not known here)
            try {
                CandidateReader.Read alone = context.reader.read(context.loader.load(searcher.getIndexReader().leaves(), new int[] { topLevelDocId })).get(0);
                signals = new QaSignals(-1, sourceExplanation.getValue().floatValue(), alone, context.scoring.score(0, alone.score()), 0);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        if (signals != null) {
            return signals.explain(context.scoring, "the query's, " + sourceExplanation.getDescription());
        }
        return Explanation.match(
            sourceExplanation.getValue(),
            read
                ? "long_doc_qa reader: the hit's _score is 1 + its reader score in [0, 1] (score_mode reader) or, by default, mixed with its rank score (score_mode combined)"
                : "long_doc_qa: outside the rescore window, ranked below the window by its query rank",
            sourceExplanation
        );
    }
}
