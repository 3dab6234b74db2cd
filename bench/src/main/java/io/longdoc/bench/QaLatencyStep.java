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
     * @param shards            the index's primaries
     * @param readsPerQuestion  candidates the node loaded for the reader per timed question ({@code GET _longdoc/models}
     *                          {@code long_doc_qa.candidate_reads}); NaN from a node that does not count them
     * @param hits              hits of the first answer: a query that finds nothing would be fast for the wrong reason
     * @param firstStageP50Ms   the first stage alone (a BM25 {@code match} on the same field, same questions), for scale
     * @param withoutReuse      with {@code --qa-compare-reuse}: the same questions, alternating with the timed ones, with
     *                          {@code longdoc.qa.reuse_reads: false} (the fetch phase reads each returned hit again); else null
     */
    record Result(int candidates, int queries, double p50Ms, double p95Ms, double tookP50Ms, int hits, double firstStageP50Ms,
                  double firstStageP95Ms, int shards, double readsPerQuestion, Timing withoutReuse) {}

    /** One way of answering, timed over the questions. */
    record Timing(double p50Ms, double p95Ms, double tookP50Ms, double readsPerQuestion) {}

    private QaLatencyStep() {}

    static StepResult<Result> run(JsonRest es, int candidates, int warmup, int queries, int shards, boolean compareReuse) {
        JsonRest.Reply first = search(es, QUESTIONS.get(0), candidates);
        if (queryMissing(first)) {
            progress("qa: the node answers 400 " + UNKNOWN_QUERY);
            return StepResult.unavailable("long_doc_qa not in this build");
        }
        first.assertSuccess();
        for (int i = 1; i < warmup; i++) {
            search(es, QUESTIONS.get(i % QUESTIONS.size()), candidates).assertSuccess();
        }
        Timing with;
        Timing without = null;
        if (compareReuse) {
            // alternate, one question each way and the order swapped every question, so drift and load fall on both
            Timed reuse = new Timed(queries);
            Timed again = new Timed(queries);
            for (int i = 0; i < warmup; i++) {
                setReuseReads(es, false);
                search(es, QUESTIONS.get(i % QUESTIONS.size()), candidates).assertSuccess();
                setReuseReads(es, null);
            }
            for (int i = 0; i < queries; i++) {
                for (boolean reuseFirst : new boolean[] { i % 2 == 0, i % 2 != 0 }) {
                    setReuseReads(es, reuseFirst ? null : false);
                    (reuseFirst ? reuse : again).time(es, i, candidates);
                }
            }
            setReuseReads(es, null);
            with = reuse.timing();
            without = again.timing();
        } else {
            Timed timed = new Timed(queries);
            for (int i = 0; i < queries; i++) {
                timed.time(es, i, candidates);
            }
            with = timed.timing();
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
        Result result = new Result(candidates, queries, with.p50Ms(), with.p95Ms(), with.tookP50Ms(), first.at("/hits/hits").size(),
            Stats.percentile(firstStage, 50), Stats.percentile(firstStage, 95), shards, with.readsPerQuestion(), without);
        progress(String.format(Locale.ROOT, "qa: %d questions, %d candidates, %d shards: p50 %.0f ms, p95 %.0f ms (took p50 %.0f ms), %.1f candidate reads "
            + "per question, %d hits; BM25 alone p50 %.0f ms", queries, candidates, shards, result.p50Ms(), result.p95Ms(), result.tookP50Ms(),
            result.readsPerQuestion(), result.hits(), result.firstStageP50Ms()));
        if (without != null) {
            progress(String.format(Locale.ROOT, "qa: the same with longdoc.qa.reuse_reads false: p50 %.0f ms, p95 %.0f ms (took p50 %.0f ms), %.1f candidate reads "
                + "per question", without.p50Ms(), without.p95Ms(), without.tookP50Ms(), without.readsPerQuestion()));
        }
        return StepResult.measured(result);
    }

    /** Client-side latency, the node's {@code took}, and the node's candidate reads of each timed question. */
    private static final class Timed {
        private final double[] ms;
        private final double[] took;
        private double reads;
        private boolean counted = true;
        private int n;

        Timed(int queries) {
            ms = new double[queries];
            took = new double[queries];
        }

        void time(JsonRest es, int question, int candidates) {
            long readsBefore = candidateReads(es);
            long start = System.nanoTime();
            JsonRest.Reply reply = search(es, QUESTIONS.get(question % QUESTIONS.size()), candidates).assertSuccess();
            ms[n] = (System.nanoTime() - start) / 1e6;
            took[n] = reply.at("/took").asDouble();
            long readsAfter = candidateReads(es);
            counted &= readsBefore >= 0 && readsAfter >= 0;
            reads += readsAfter - readsBefore;
            n++;
        }

        Timing timing() {
            return new Timing(Stats.percentile(ms, 50), Stats.percentile(ms, 95), Stats.percentile(took, 50), counted ? reads / n : Double.NaN);
        }
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

    /** This node's {@code long_doc_qa.candidate_reads}; -1 from a build that does not count them. */
    static long candidateReads(JsonRest es) {
        return es.get("/_longdoc/models").assertSuccess().at("/long_doc_qa/candidate_reads").asLong(-1);
    }

    /** {@code longdoc.qa.reuse_reads}; null resets it to the node's default (true). */
    static void setReuseReads(JsonRest es, Boolean reuse) {
        es.putPersistentSetting("longdoc.qa.reuse_reads", reuse);
    }

    private static JsonRest.Reply search(JsonRest es, String question, int candidates) {
        return es.post("/" + SpeedIndex.INDEX + "/_search", query(question, candidates));
    }
}
