package io.longdoc.it;

import io.longdoc.corpus.Texts;
import io.longdoc.corpus.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longdoc.TestModels;
import io.longdoc.corpus.InsertionTask;
import io.longdoc.text.Tokenizer;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Node loss on a real three-node cluster on loopback, every node with the plugin: an index of 3 shards and 1 replica
 * fed continuously through the {@code long_doc} pipeline while the elected master is killed with SIGKILL, then
 * restarted. Afterwards every acknowledged document is present with its vectors, and {@code long_doc_qa} returns
 * the same top hits and answers as before the kill. Clients retry what was not acknowledged (a bulk whose node died,
 * items answered 429/503), as any Elasticsearch client must.
 * <p>
 * The questions read the passkey documents indexed before the kill through a first stage the user supplies
 * ({@code phase: base}), with more candidates than there are such documents and {@code score_mode: reader}, so the
 * ranking is the reader's alone and must not depend on which copy of a shard answers. (The default {@code combined}
 * mode adds the first stage's rank, and a {@code term} first stage ties every base document: the tie falls to doc-id
 * order, which merges and recoveries may change, so two close documents could trade places.)
 */
@Order(80)
class NodeLossIT {

    static final int NODES = 3;
    static final int BASE_DOCUMENTS = 12;
    static final int QUESTIONS = 8;
    static final int STREAM_DOCUMENTS = Integer.getInteger("nodeloss.documents", 90);
    static final int CLIENTS = 2;
    static final int BULK = 5;
    static final String INDEX = "nodeloss";
    static final String PIPELINE = "nodeloss";
    static final String MODEL = Fixtures.MINILM;

    @Test
    void everyAcknowledgedDocumentSurvivesAKilledMasterAndTheAnswersStayTheSame() throws Exception {
        int[] ports = ElasticsearchNode.freePorts(2 * NODES);
        List<ElasticsearchNode> nodes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            names.add("longdoc-nl-" + i);
            seeds.add("127.0.0.1:" + ports[2 * i + 1]);
        }
        for (int i = 0; i < NODES; i++) {
            // no preload: every node loads MiniLM on first use, and no node compiles the default model meanwhile
            nodes.add(Fixtures.withoutPreload(HarnessConfig.nodeWithPlugin(names.get(i)))
                .clusterName("longdoc-nodeloss")
                .heap("1g")
                .ports(ports[2 * i], ports[2 * i + 1])
                .cluster(seeds, names)
                .build());
        }
        ExecutorService pool = Executors.newFixedThreadPool(NODES + CLIENTS);
        try {
            // a cluster forms only once a majority of the master-eligible nodes run: start them together
            List<Future<ElasticsearchNode>> starting = new ArrayList<>();
            for (ElasticsearchNode node : nodes) {
                starting.add(pool.submit(node::start));
            }
            for (Future<ElasticsearchNode> node : starting) {
                node.get();
            }
            HttpHost[] hosts = nodes.stream().map(ElasticsearchNode::httpHost).toArray(HttpHost[]::new);
            // the client talks to all three nodes; a request whose node died is sent to another one by the client
            AtomicInteger failovers = new AtomicInteger();
            try (RestClient client = RestClient.builder(hosts)
                .setRequestConfigCallback(config -> config.setConnectTimeout(5_000).setSocketTimeout(300_000))
                .setFailureListener(new RestClient.FailureListener() {
                    @Override
                    public void onFailure(org.elasticsearch.client.Node node) {
                        failovers.incrementAndGet();
                    }
                })
                .build()) {
                run(new JsonRest(client), nodes, pool);
            }
            System.out.printf("NODE-LOSS: the client marked a node dead and failed over %d times%n", failovers.get());
        } finally {
            pool.shutdownNow();
            for (ElasticsearchNode node : nodes) {
                node.stop();
            }
        }
    }

    private void run(JsonRest es, List<ElasticsearchNode> nodes, ExecutorService pool) throws Exception {
        awaitGreen(es);
        Fixtures.createPipeline(es, PIPELINE, Fixtures.longDoc("body", MODEL).put("sections", true));
        createIndex(es);

        List<InsertionTask.Item> base = baseDocuments();
        JsonRest.Bulk bulk = new JsonRest.Bulk();
        for (InsertionTask.Item item : base) {
            bulk.index(INDEX, item.id(), source(item.text(), "base"));
        }
        Fixtures.assertBulkIndexedAll(es.bulk("/_bulk?pipeline=" + PIPELINE + "&refresh=true", bulk), base.size());
        Map<String, List<String>> before = answers(es, base);

        // continuous ingest by two clients; the main thread kills the master a third of the way in and restarts it
        List<ObjectNode> stream = streamDocuments();
        RetryingBulkClient streamer = new RetryingBulkClient(es, INDEX, PIPELINE, RetryingBulkClient.RetryRule.nodeLoss());
        Set<String> acknowledged = streamer.acknowledged();
        List<Future<?>> clients = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.add(pool.submit(() -> {
                streamer.send(RetryingBulkClient.shareOf(stream, client, CLIENTS), BULK);
                return null;
            }));
        }
        awaitAcknowledged(streamer, stream.size() / 3, clients);
        ElasticsearchNode master = electedMaster(es, nodes);
        int acknowledgedAtKill = acknowledged.size();
        master.kill();
        long killedAt = System.nanoTime();
        System.out.printf("NODE-LOSS: killed the elected master %s (kill -9 of pid) after %d of %d streamed documents were acknowledged%n",
            master.name(), acknowledgedAtKill, stream.size());
        awaitAcknowledged(streamer, acknowledgedAtKill + stream.size() / 3, clients);
        int acknowledgedWhileDown = acknowledged.size() - acknowledgedAtKill;
        master.restart();
        System.out.printf("NODE-LOSS: %s restarted %.1f s after the kill; %d documents were acknowledged while it was down%n",
            master.name(), (System.nanoTime() - killedAt) / 1e9, acknowledgedWhileDown);
        for (Future<?> client : clients) {
            client.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        awaitGreen(es);
        es.post("/" + INDEX + "/_refresh", null).assertSuccess();

        long presentStreamed = Fixtures.count(es, INDEX, JsonRest.json("{\"term\": {\"phase\": \"stream\"}}"));
        ObjectNode ids = JsonRest.object();
        ids.putObject("ids").set("values", JsonRest.MAPPER.valueToTree(new ArrayList<>(acknowledged)));
        long presentAcknowledged = Fixtures.count(es, INDEX, ids);
        long total = Fixtures.count(es, INDEX, null);
        long withVectors = Fixtures.count(es, INDEX, Fixtures.existsQuery("longdoc.section_vectors"));
        long withEmbedding = Fixtures.count(es, INDEX, Fixtures.existsQuery("longdoc.embedding"));
        Map<String, List<String>> after = answers(es, base);
        long sameTopHits = before.keySet().stream().filter(q -> before.get(q).equals(after.get(q))).count();
        System.out.printf("NODE-LOSS: streamed %d documents by %d clients in %.1f s; retried %s; acknowledged %d, present %d "
                + "(acknowledged ids found: %d); index total %d, with embedding %d, with section vectors %d; "
                + "long_doc_qa same top-3 hits and answer after the restart: %d/%d%n",
            stream.size(), CLIENTS, seconds, streamer.retried(), acknowledged.size(), presentStreamed, presentAcknowledged, total, withEmbedding,
            withVectors, sameTopHits, before.size());
        assertEquals(Map.of(), streamer.failures(), "no document failed for good");
        assertEquals(stream.size(), acknowledged.size(), "every streamed document was acknowledged in the end");
        assertEquals(acknowledged.size(), presentAcknowledged, "every acknowledged document is in the index");
        assertEquals(acknowledged.size(), presentStreamed, "nothing else was streamed in");
        assertEquals(base.size() + stream.size(), total, "index total");
        assertEquals(total, withEmbedding, "every document has its embedding");
        assertEquals(total, withVectors, "every document has its section vectors");
        for (String question : before.keySet()) {
            assertEquals(before.get(question), after.get(question), "top hits and answer for [" + question + "]");
        }
        assertTrue(acknowledgedWhileDown > 0, "documents were acknowledged while the node was down");
    }

    /** For each question: the ids of the top 3 hits, then the top hit's answer text. */
    private static Map<String, List<String>> answers(JsonRest es, List<InsertionTask.Item> base) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        int right = 0;
        for (InsertionTask.Item item : base.subList(0, QUESTIONS)) {
            ObjectNode body = JsonRest.object();
            body.put("size", 3);
            body.putObject("_source").put("includes", "nothing");
            ObjectNode qa = body.putObject("query").putObject("long_doc_qa");
            qa.put("question", item.question()).put("field", "body").put("model_id", MODEL).put("candidates", 50).put("score_mode", "reader");
            qa.set("query", JsonRest.json("{\"term\": {\"phase\": \"base\"}}"));
            JsonRest.Reply reply = es.post("/" + INDEX + "/_search", body).assertSuccess();
            // a node that had not loaded the model yet must answer for its shards, not drop them (a partial result)
            assertEquals(0, reply.at("/_shards/failed").asInt(), "every shard answered: " + reply.at("/_shards"));
            JsonNode hits = reply.at("/hits/hits");
            List<String> top = new ArrayList<>();
            hits.forEach(hit -> top.add(hit.path("_id").asText()));
            top.add(hits.path(0).at("/fields/_longdoc_answers/0/text").asText());
            right += item.id().equals(top.get(0)) ? 1 : 0;
            out.put(item.question(), top);
        }
        System.out.printf("NODE-LOSS: long_doc_qa ranks the passkey document first for %d/%d questions%n", right, QUESTIONS);
        assertTrue(right >= QUESTIONS / 2, "the questions are answerable at all: top-1 " + right + "/" + QUESTIONS);
        return out;
    }

    private static void awaitAcknowledged(RetryingBulkClient bulk, int target, List<Future<?>> clients) throws Exception {
        Set<String> acknowledged = bulk.acknowledged();
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (acknowledged.size() < target) {
            assertEquals(Map.of(), bulk.failures(), "no document failed for good");
            for (Future<?> client : clients) {
                if (client.isDone()) {
                    client.get(); // surfaces a client's failure
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + acknowledged.size() + " of " + target + " documents acknowledged in 10 minutes");
            }
            Thread.sleep(100);
        }
    }

    private static ElasticsearchNode electedMaster(JsonRest es, List<ElasticsearchNode> nodes) {
        String name = es.get("/_cat/master?format=json").assertSuccess().at("/0/node").asText();
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("elected master [" + name + "] is none of our nodes"));
    }

    private static void awaitGreen(JsonRest es) {
        es.get("/_cluster/health?wait_for_nodes=" + NODES + "&wait_for_status=green&wait_for_no_initializing_shards=true&timeout=180s")
            .assertSuccess();
        JsonNode health = es.get("/_cluster/health").assertSuccess().body();
        assertEquals("green", health.path("status").asText(), "cluster health: " + health);
        assertEquals(NODES, health.path("number_of_nodes").asInt(), "cluster health: " + health);
    }

    private static void createIndex(JsonRest es) {
        Fixtures.createQaIndex(es, INDEX, 3, 1);
        es.get("/_cluster/health/" + INDEX + "?wait_for_status=green&timeout=120s").assertSuccess();
    }

    /** Passkey documents of 1,024 tokens of State of the Union filler (EVAL.md's construction), indexed before the kill. */
    private static List<InsertionTask.Item> baseDocuments() throws Exception {
        List<String> fillers = Corpus.stream(Corpus.sotu()).limit(30).map(Corpus.Document::text).toList();
        try (Tokenizer tokenizer = Tokenizer.load(TestModels.miniLmTokenizer())) {
            return InsertionTask.generate(InsertionTask.Kind.PASSKEY, fillers, tokenizer::tokenize, 1024, BASE_DOCUMENTS, 20261125L);
        }
    }

    /** Real addresses (not the base ones) cut to 200–1,200 words, fixed seed. */
    private static List<ObjectNode> streamDocuments() {
        List<Corpus.Document> addresses;
        try (var all = Corpus.stream(Corpus.sotu())) {
            addresses = all.skip(30).toList();
        }
        Random random = new Random(20261125L);
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 0; i < STREAM_DOCUMENTS; i++) {
            ObjectNode source = source(Texts.firstWords(addresses.get(i % addresses.size()).text(), 200 + random.nextInt(1000)), "stream");
            source.put("id", "stream-" + i);
            out.add(source);
        }
        return Collections.unmodifiableList(out);
    }

    private static ObjectNode source(String body, String phase) {
        ObjectNode source = JsonRest.object();
        source.put("phase", phase);
        source.put("body", body);
        return source;
    }
}
