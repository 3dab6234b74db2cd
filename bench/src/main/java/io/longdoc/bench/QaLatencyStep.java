package io.longdoc.bench;

import static io.longdoc.bench.BenchCli.progress;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longdoc.it.JsonRest;

import java.util.List;
import java.util.Locale;

/**
 * {@code long_doc_qa} latency over the ingested documents: {@code POST idx/_search} with {@code candidates} candidates,
 * a few warm-up questions, then timed ones, from the client's side (request sent to answer read).
 */
final class QaLatencyStep {

    /** What a node without the query answers; such a build is reported, not failed. */
    static final String UNKNOWN_QUERY = "unknown query [long_doc_qa]";

    /**
     * Questions that any corpus can be asked: the latency does not depend on whether the answer is in the documents,
     * and nothing here may depend on the contents of the dev corpora.
     */
    static final List<String> QUESTIONS = List.of(
        "What is the main subject of this document?",
        "Which problems does the author say must be solved first?",
        "What was decided about the budget?",
        "Who is responsible for carrying out the plan?",
        "What happened in the previous year?"
    );

    /** Hits asked for: each returned hit gets its answer placed (a few short forward passes each). */
    static final int SIZE = 3;

    /**
     * @param hits hits of the first answer: a query that finds nothing would be fast for the wrong reason
     * @param firstStageP50Ms the first stage alone (a BM25 {@code match} on the same field, same questions), for scale
     */
    record Result(int candidates, int queries, double p50Ms, double p95Ms, double tookP50Ms, int hits, double firstStageP50Ms,
                  double firstStageP95Ms) {}

    private QaLatencyStep() {}

    static StepResult<Result> run(JsonRest es, int candidates, int warmup, int queries) {
        JsonRest.Reply first = search(es, QUESTIONS.get(0), candidates);
        if (queryMissing(first)) {
            progress("qa: the node answers 400 " + UNKNOWN_QUERY);
            return StepResult.unavailable("long_doc_qa not in this build");
        }
        first.assertSuccess();
        for (int i = 1; i < warmup; i++) {
            search(es, QUESTIONS.get(i % QUESTIONS.size()), candidates).assertSuccess();
        }
        double[] ms = new double[queries];
        double[] took = new double[queries];
        for (int i = 0; i < queries; i++) {
            long start = System.nanoTime();
            JsonRest.Reply reply = search(es, QUESTIONS.get(i % QUESTIONS.size()), candidates).assertSuccess();
            ms[i] = (System.nanoTime() - start) / 1e6;
            took[i] = reply.at("/took").asDouble();
        }
        double[] firstStage = new double[queries];
        for (int i = 0; i < queries; i++) {
            ObjectNode match = JsonRest.object();
            match.put("size", SIZE);
            match.putObject("query").putObject("match").put(SpeedIndex.FIELD, QUESTIONS.get(i % QUESTIONS.size()));
            long start = System.nanoTime();
            es.post("/" + SpeedIndex.INDEX + "/_search", match).assertSuccess();
            firstStage[i] = (System.nanoTime() - start) / 1e6;
        }
        Result result = new Result(candidates, queries, Stats.percentile(ms, 50), Stats.percentile(ms, 95), Stats.percentile(took, 50),
            first.at("/hits/hits").size(), Stats.percentile(firstStage, 50), Stats.percentile(firstStage, 95));
        progress(String.format(Locale.ROOT, "qa: %d questions, %d candidates: p50 %.0f ms, p95 %.0f ms (took p50 %.0f ms), %d hits; BM25 alone p50 %.0f ms",
            queries, candidates, result.p50Ms(), result.p95Ms(), result.tookP50Ms(), result.hits(), result.firstStageP50Ms()));
        return StepResult.measured(result);
    }

    /** A 400 whose error is the parser not knowing the query: the plugin in this node predates it. */
    static boolean queryMissing(JsonRest.Reply reply) {
        return reply.status() == 400 && reply.errorReasons().contains(UNKNOWN_QUERY);
    }

    static ObjectNode query(String question, int candidates) {
        ObjectNode body = JsonRest.object();
        body.put("size", SIZE);
        body.putObject("query").putObject("long_doc_qa")
            .put("question", question)
            .put("field", SpeedIndex.FIELD)
            .put("candidates", candidates);
        return body;
    }

    private static JsonRest.Reply search(JsonRest es, String question, int candidates) {
        return es.post("/" + SpeedIndex.INDEX + "/_search", query(question, candidates));
    }
}
