package io.longdoc.search;

import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.elasticsearch.search.vectors.KnnScoreDocQuery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shard-level {@code long_doc_qa} query. Like Lucene's kNN query it does its work in
 * {@link #rewrite(IndexSearcher)}: it runs the first stage, reads its top {@code candidates} hits and rewrites to
 * the fixed set of first-stage hits with their new scores. Reranked hits score in [1, 2]; the other first-stage
 * hits (up to {@code firstStageSize}) keep their order below, in (0, 0.5].
 */
public final class LongDocQaQuery extends Query implements AnswerSource {

    /** Reciprocal-rank constant, as Elasticsearch's RRF uses by default. */
    static final int RANK_CONSTANT = QaScoring.RANK_CONSTANT;

    private final QaRequest request;
    private final List<Query> firstStages;
    private final int firstStageSize;
    private final int candidates;
    private final QaScoring scoring;
    private final CandidateLoader loader;
    private final CandidateReader reader;
    /** The reads of the last rewrite: for explain and the answers fetch phase. */
    private final HitReads hitReads = new HitReads();

    LongDocQaQuery(QaRequest request, List<Query> firstStages, int firstStageSize, int candidates, QaScoring scoring,
                   CandidateLoader loader, CandidateReader reader) {
        this.request = request;
        this.firstStages = List.copyOf(firstStages);
        this.firstStageSize = firstStageSize;
        this.candidates = candidates;
        this.scoring = scoring;
        this.loader = loader;
        this.reader = reader;
    }

    QaRequest request() {
        return request;
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
    public Query rewrite(IndexSearcher searcher) throws IOException {
        List<ScoreDoc> ranked = firstStage(searcher);
        int read = Math.min(candidates, ranked.size());
        int[] docs = new int[read];
        for (int i = 0; i < read; i++) {
            docs[i] = ranked.get(i).doc;
        }
        List<CandidateReader.Read> reads = reader.read(loader.load(searcher.getIndexReader().leaves(), docs));
        double margin = CandidateReader.lexicalMargin(reads);
        ScoreDoc[] scored = new ScoreDoc[ranked.size()];
        for (int rank = 0; rank < ranked.size(); rank++) {
            double readerScore = rank < read ? reads.get(rank).score() : Double.NaN;
            scored[rank] = new ScoreDoc(ranked.get(rank).doc, (float) scoring.score(rank, readerScore, margin));
            if (rank < read) {
                hitReads.put(ranked.get(rank).doc, new QaSignals(rank, ranked.get(rank).score, reads.get(rank), scored[rank].score, margin));
            }
        }
        String stage = firstStages.size() == 1 ? firstStages.get(0).getClass().getSimpleName() : "kNN and BM25 fused by reciprocal rank, k = " + RANK_CONSTANT;
        return new ExplainedDocsQuery(new KnnScoreDocQuery(scored, searcher.getIndexReader()), doc -> {
            QaSignals hit = hitReads.get(doc);
            return hit == null ? null : hit.explain(scoring, stage);
        });
    }

    @Override
    public HitReads reads() {
        return hitReads;
    }

    /** The first stage's hits, best first: one query's top hits, or two fused by reciprocal rank. */
    private List<ScoreDoc> firstStage(IndexSearcher searcher) throws IOException {
        if (firstStages.size() == 1) {
            return List.of(searcher.search(firstStages.get(0), firstStageSize).scoreDocs);
        }
        Map<Integer, Double> fused = new LinkedHashMap<>();
        for (Query stage : firstStages) {
            TopDocs top = searcher.search(stage, firstStageSize);
            for (int rank = 0; rank < top.scoreDocs.length; rank++) {
                fused.merge(top.scoreDocs[rank].doc, 1.0 / (RANK_CONSTANT + rank + 1), Double::sum);
            }
        }
        List<ScoreDoc> out = new ArrayList<>(fused.size());
        fused.forEach((doc, score) -> out.add(new ScoreDoc(doc, score.floatValue())));
        out.sort((a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.doc, b.doc));
        return out.subList(0, Math.min(firstStageSize, out.size()));
    }

    @Override
    public void visit(QueryVisitor visitor) {
        visitor.visitLeaf(this);
    }

    @Override
    public String toString(String field) {
        return "long_doc_qa(" + request.questionText() + " over " + request.field() + ", candidates=" + candidates + ")";
    }

    @Override
    public boolean equals(Object other) {
        return this == other; // built per request from the resolved question: identity is the only safe equality
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
