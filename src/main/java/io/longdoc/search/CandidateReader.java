package io.longdoc.search;

import io.longdoc.model.LoadedModel;
import io.longdoc.search.reader.Answer;
import io.longdoc.search.reader.AnswerLocator;
import io.longdoc.search.reader.QuestionTerms;
import io.longdoc.search.reader.SectionMatcher;
import io.longdoc.search.reader.SpanReader;

import org.elasticsearch.ElasticsearchException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs the request's reader over loaded candidates: scores to rerank them by (scaled to [0, 1]) and, for the hits
 * that are returned, the answer spans. The late-interaction reader ranks without running the model; the span reader
 * reads each candidate with the model's QA head, within a token budget.
 */
final class CandidateReader {

    private final QaRequest request;
    private final QaServices services;
    private final Set<String> terms;

    CandidateReader(QaRequest request, QaServices services) {
        this.request = request;
        this.services = services;
        this.terms = QuestionTerms.of(request.questionText());
    }

    QaRequest request() {
        return request;
    }

    /**
     * What the reader made of one candidate: its score in [0, 1] (NaN: not read, budget), and for the late-interaction
     * reader its section match (null for the span reader). Kept for {@code explain} and for the answers fetch phase,
     * which places the answer from it instead of loading and matching the hit again.
     */
    record Read(CandidateLoader.Loaded loaded, double score, SectionMatcher.Match match) {}

    /** Reader scores in [0, 1] for each candidate, in order; NaN for one the reader could not read (budget). */
    double[] scores(List<CandidateLoader.Loaded> candidates) {
        List<Read> reads = read(candidates);
        double[] scores = new double[reads.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = reads.get(i).score();
        }
        return scores;
    }

    /**
     * How far the best candidate's lexical share (the IDF-weighted share of the question's words in its best section
     * for them) lies above the runner-up's, in [0, 1]: near 1 where the question's words single out one candidate, 0
     * where several hold them alike, for the span reader (no shares) and for fewer than two candidates. It shrinks the
     * first stage's rank share ({@link QaScoring#rankShare}).
     */
    static double lexicalMargin(List<Read> reads) {
        double best = 0;
        double second = 0;
        int matched = 0;
        for (Read read : reads) {
            if (read.match() == null) {
                continue;
            }
            matched++;
            double share = 0;
            for (double s : read.match().lexicalShares()) {
                share = Math.max(share, s);
            }
            if (share > best) {
                second = best;
                best = share;
            } else if (share > second) {
                second = share;
            }
        }
        return matched < 2 ? 0 : best - second;
    }

    /** Reads each candidate, in order. */
    List<Read> read(List<CandidateLoader.Loaded> candidates) {
        double[] scores = new double[candidates.size()];
        List<Read> reads = new ArrayList<>(candidates.size());
        if (request.reader() == ReaderKind.SPAN) {
            long budget = services.spanTokenBudget(); // the node setting longdoc.qa.span_token_budget
            for (int i = 0; i < candidates.size(); i++) {
                String text = candidates.get(i).text();
                if (text == null || text.isBlank() || budget <= 0) {
                    scores[i] = budget <= 0 ? Double.NaN : 0;
                    continue;
                }
                LoadedModel model = model();
                int tokens = Math.min(model.spec().maxTokens(), model.tokenize(text).length());
                budget -= tokens;
                scores[i] = sigmoid(span(model, text).score() / 4);
            }
            for (int i = 0; i < scores.length; i++) {
                reads.add(new Read(candidates.get(i), scores[i], null));
            }
            return reads;
        }
        List<SectionMatcher.Candidate> forMatcher = new ArrayList<>(candidates.size());
        for (CandidateLoader.Loaded candidate : candidates) {
            forMatcher.add(candidate.forMatcher());
        }
        List<SectionMatcher.Match> matches = SectionMatcher.rank(request.question(), terms, forMatcher);
        for (int i = 0; i < scores.length; i++) {
            double score = forMatcher.get(i).sections().isEmpty() ? 0 : scaledLateInteraction(matches.get(i).score());
            reads.add(new Read(candidates.get(i), score, matches.get(i)));
        }
        return reads;
    }

    /** The answer of a hit the query phase read: its section match is reused, nothing is loaded or ranked again. */
    Answer answer(Read read) {
        if (read.match() == null || request.reader() == ReaderKind.SPAN) {
            return answer(read.loaded());
        }
        CandidateLoader.Loaded hit = read.loaded();
        SectionMatcher.Candidate candidate = hit.forMatcher();
        if (hit.text() == null || candidate.sections().isEmpty()) {
            return null;
        }
        try {
            return AnswerLocator.locate(model(), request.question(), hit.text(), candidate.sections(), read.match());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ElasticsearchException("model [" + request.modelId() + "] failed to place the answer: " + e.getMessage(), e);
        }
    }

    /** The answer in one returned hit's text; null when there is nothing to read. */
    Answer answer(CandidateLoader.Loaded hit) {
        if (hit.text() == null || hit.text().isBlank()) {
            return null;
        }
        LoadedModel model = model();
        if (request.reader() == ReaderKind.SPAN) {
            return span(model, hit.text());
        }
        SectionMatcher.Candidate candidate = hit.forMatcher();
        if (candidate.sections().isEmpty()) {
            return null;
        }
        SectionMatcher.Match match = SectionMatcher.rank(request.question(), terms, List.of(candidate)).get(0);
        try {
            return AnswerLocator.locate(model, request.question(), hit.text(), candidate.sections(), match);
        } catch (Exception e) {
            throw new ElasticsearchException("model [" + request.modelId() + "] failed to place the answer: " + e.getMessage(), e);
        }
    }

    private Answer span(LoadedModel model, String text) {
        try {
            return new SpanReader().read(model, request.questionText(), text);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new ElasticsearchException("model [" + request.modelId() + "] failed to read a candidate: " + e.getMessage(), e);
        }
    }

    /**
     * Runs on a search thread (query, rescore and fetch phases): it never loads a model itself. The coordinating node
     * loaded it to encode the question; a data node that has not loads it on the generic pool and waits for that
     * load (up to {@code longdoc.qa.model_load_wait}, then 503), so its shards answer rather than drop out of the result.
     */
    private LoadedModel model() {
        try {
            return services.registry().loadedOrLoadAsync(request.modelId(), services.loadExecutor().get(), services.modelLoadWait());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ElasticsearchException("cannot load model [" + request.modelId() + "]: " + e.getMessage(), e);
        }
    }

    /** The late-interaction score (cosine + weighted lexical share, in [−1, 1 + weight]) scaled to [0, 1]. */
    static double scaledLateInteraction(double score) {
        return Math.max(0, Math.min(1, (score + 1) / (2 + SectionMatcher.LEXICAL_WEIGHT)));
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
