package io.longdoc.it;

import io.longdoc.corpus.Texts;
import io.longdoc.corpus.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bounded load on a node of its own with a small inference queue: several bulk clients ingest real documents of
 * mixed lengths (up to ≈16k tokens) through the pipeline while a client asks {@code long_doc_qa} questions. A full
 * queue must answer 429 (clients retry those items), never a timeout or a 5xx; afterwards every acknowledged
 * document is in the index with its vectors. Sizes are system properties, so the same test is the documented long
 * run: {@code mvn verify -Dit.test=LoadIT -Dload.documents=2000 -Dload.clients=4}.
 */
@Order(60)
class LoadIT {

    static final int DOCUMENTS = Integer.getInteger("load.documents", 90);
    static final int CLIENTS = Integer.getInteger("load.clients", 3);
    static final int BULK = Integer.getInteger("load.bulk", 10);
    static final int QUEUE = Integer.getInteger("load.queue", 12);
    static final String INDEX = "load";
    static final String PIPELINE = "load";

    @Test
    void everyAcknowledgedDocumentIsIndexedAndAFullQueueAnswers429() throws Exception {
        List<ObjectNode> documents = documents();
        try (ElasticsearchNode node = HarnessConfig.nodeWithPlugin("longdoc-load")
            .setting("thread_pool.longdoc_inference.queue_size", Integer.toString(QUEUE))
            .build()) {
            node.start();
            JsonRest es = new JsonRest(node.restClient());
            assertTheDefaultModelWasPreloaded(es, node);
            Fixtures.createPipeline(es, PIPELINE, Fixtures.longDoc("body", null).put("sections", true));
            Fixtures.createQaIndex(es, INDEX, 2);
            // one document first: nothing that happens once (the first pass's allocations) is part of the load
            Fixtures.assertBulkIndexedAll(es.bulk("/_bulk?pipeline=" + PIPELINE, Fixtures.bulkOf(INDEX, documents.subList(0, 1))), 1);

            RetryingBulkClient bulk = new RetryingBulkClient(es, INDEX, PIPELINE, RetryingBulkClient.RetryRule.tooManyRequests());
            List<ObjectNode> streamed = documents.subList(1, documents.size());
            List<Long> queryMillis = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean ingesting = new AtomicBoolean(true);
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
            long start = System.nanoTime();
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    bulk.send(RetryingBulkClient.shareOf(streamed, client, CLIENTS), BULK);
                    return null;
                }));
            }
            Future<?> questions = pool.submit(() -> ask(es, ingesting, queryMillis));
            for (Future<?> client : clients) {
                client.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            ingesting.set(false);
            questions.get();
            pool.shutdown();

            es.post("/" + INDEX + "/_refresh", null).assertSuccess();
            int present = es.get("/" + INDEX + "/_count").assertSuccess().at("/count").asInt();
            ObjectNode withVectors = JsonRest.object();
            withVectors.putObject("query").putObject("exists").put("field", "longdoc.section_vectors");
            int vectors = es.post("/" + INDEX + "/_count", withVectors).assertSuccess().at("/count").asInt();
            long[] q = queryMillis.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("LOAD: %d documents by %d bulk clients (bulks of %d, inference queue %d) in %.1f s = %.2f docs/s; "
                    + "429 rejections retried: %d; other failures: %d; acknowledged %d, present %d, with section vectors %d; "
                    + "long_doc_qa during ingest: %d queries, p50 %d p95 %d p99 %d ms%n",
                documents.size(), CLIENTS, BULK, QUEUE, seconds, streamed.size() / seconds, bulk.retriedTotal(), bulk.failures().size(),
                1 + bulk.acknowledged().size(), present, vectors, q.length, pct(q, 50), pct(q, 95), pct(q, 99));
            assertEquals(Map.of(), bulk.failures(), "only 429s are allowed under load");
            assertEquals(streamed.size(), bulk.acknowledged().size(), "every streamed document was acknowledged in the end");
            assertEquals(1 + bulk.acknowledged().size(), present, "every acknowledged document is in the index");
            assertEquals(present, vectors, "every document has its section vectors");
            assertTrue(q.length > 0, "questions were answered during ingest");
        }
    }

    /**
     * {@code longdoc.models.preload} is not set, so the node loads (and compiles) the default model at start, in the
     * background on the generic pool: loaded before any request used it.
     */
    private static void assertTheDefaultModelWasPreloaded(JsonRest es, ElasticsearchNode node) throws InterruptedException {
        JsonNode model = Fixtures.awaitLoadSettled(es, Fixtures.BGE, 300);
        assertEquals("loaded", model.path("state").asText(), "preloaded at node start: " + model);
        assertTrue(model.path("loaded").asBoolean(), model.toString());
        assertEquals(0, model.path("stats").path("inference_calls").asLong(), "no request has used it: " + model);
        String log = node.serverLogText();
        assertTrue(log.contains("preloading models [" + Fixtures.BGE + "] in the background"), "the preload is logged at start");
        List<String> loads = log.lines().filter(line -> line.contains("] loaded model [" + Fixtures.BGE + "] from the")).toList();
        assertEquals(1, loads.size(), "loaded once: " + loads);
        assertTrue(loads.get(0).contains("on thread [elasticsearch[" + node.name() + "][generic]"), "on the generic pool: " + loads);
        assertTrue(log.contains("preloaded model [" + Fixtures.BGE + "] in "), "the preload logs its success");
    }

    private static Void ask(JsonRest es, AtomicBoolean ingesting, List<Long> millis) throws InterruptedException {
        String[] questions = { "How was the war paid for?", "What happened to the currency?", "What did the president say about taxes?" };
        for (int i = 0; ingesting.get(); i++) {
            ObjectNode body = JsonRest.object();
            body.put("size", 3);
            body.putObject("_source").put("includes", "nothing");
            body.putObject("query").putObject("long_doc_qa").put("question", questions[i % questions.length]).put("field", "body").put("candidates", 20);
            long start = System.nanoTime();
            JsonRest.Reply reply = es.post("/" + INDEX + "/_search", body);
            if (reply.isSuccess()) {
                millis.add((System.nanoTime() - start) / 1_000_000);
            } else if (reply.status() != 429) {
                throw new AssertionError("a question failed under load: " + reply);
            }
            Thread.sleep(500);
        }
        return null;
    }

    /** Real addresses cut at random lengths between 100 and 12,000 words (≈16k tokens), with fixed seeds. */
    private static List<ObjectNode> documents() {
        List<Corpus.Document> addresses;
        try (var all = Corpus.stream(Corpus.sotu())) {
            addresses = all.toList();
        }
        Random random = new Random(20261122L);
        List<ObjectNode> out = new ArrayList<>(DOCUMENTS);
        for (int i = 0; i < DOCUMENTS; i++) {
            Corpus.Document address = addresses.get(i % addresses.size());
            int words = random.nextDouble() < 0.1 ? 12_000 : 100 + random.nextInt(1500);
            ObjectNode source = JsonRest.object();
            source.put("id", "load-" + i);
            source.put("body", Texts.firstWords(address.text(), words));
            out.add(source);
        }
        return out;
    }

    private static long pct(long[] sorted, int percentile) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)];
    }
}
