package io.longdoc.it;

import io.longdoc.corpus.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longdoc.TestModels;
import io.longdoc.corpus.InsertionTask;
import io.longdoc.text.Tokenizer;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * longdoc on a node with the bundled x-pack security on (basic auth; roles and users of the file realm):
 * {@code long_doc_qa} and its rescorer read only indices the user may read, model management is authorised by action
 * name ({@code monitor} lists, {@code manage} or {@code cluster:admin/longdoc/*} loads), and anonymous calls get 401.
 */
@Order(70)
class SecurityIT {

    static final String ADMIN = "longdoc-admin";
    static final String PASSWORD = "longdoc-it-password";
    static final String PUBLIC = "sec-public";
    static final String PRIVATE = "sec-private";
    static final String PIPELINE = "sec";
    static final String MODEL = Fixtures.MINILM;
    static final int DOCUMENTS = 6;

    static final String ROLES = """
        public_reader:
          indices:
            - names: [ "%s" ]
              privileges: [ "read" ]
        models_monitor:
          cluster: [ "monitor" ]
        models_operator:
          cluster: [ "cluster:admin/longdoc/*" ]
        cluster_manager:
          cluster: [ "manage" ]
        """.formatted(PUBLIC);

    static ElasticsearchNode node;
    static JsonRest admin;
    static List<InsertionTask.Item> publicItems;
    static List<InsertionTask.Item> privateItems;

    @BeforeAll
    static void startASecuredNode() throws Exception {
        node = HarnessConfig.nodeWithPlugin("longdoc-secure")
            .clusterName("longdoc-secure")
            .heap("1g")
            .security(ADMIN, PASSWORD)
            // file-based roles and users: the integ-test distribution lacks analysis-common, which the .security
            // index's mappings need, so the native realm (PUT _security/user) is not available there
            .withConfigFile("roles.yml", ROLES.getBytes(StandardCharsets.UTF_8))
            .fileUser("reader", PASSWORD, "public_reader")
            .fileUser("watcher", PASSWORD, "models_monitor,public_reader")
            .fileUser("operator", PASSWORD, "models_operator")
            .fileUser("manager", PASSWORD, "cluster_manager")
            .build();
        node.start();
        admin = new JsonRest(node.restClient());

        List<String> fillers = Corpus.stream(Corpus.sotu()).limit(20).map(Corpus.Document::text).toList();
        List<InsertionTask.Item> items;
        try (Tokenizer tokenizer = Tokenizer.load(TestModels.miniLmTokenizer())) {
            items = InsertionTask.generate(InsertionTask.Kind.PASSKEY, fillers, tokenizer::tokenize, 512, 2 * DOCUMENTS, 20261125L);
        }
        publicItems = items.subList(0, DOCUMENTS);
        privateItems = items.subList(DOCUMENTS, 2 * DOCUMENTS);
        Fixtures.createPipeline(admin, PIPELINE, Fixtures.longDoc("body", MODEL).put("sections", true));
        index(PUBLIC, publicItems);
        index(PRIVATE, privateItems);
    }

    @AfterAll
    static void stopTheNode() {
        if (node != null) {
            node.stop();
        }
    }

    @Test
    void aQuestionOnlyReadsIndicesTheUserMayRead() throws IOException {
        InsertionTask.Item secret = privateItems.get(0);
        // the question works on the private index for a user who may read it: a 403 below is security, not a broken query
        JsonNode adminTop = admin.post("/" + PRIVATE + "/_search", qa(secret.question())).assertSuccess().at("/hits/hits/0");
        assertEquals(secret.id(), adminTop.path("_id").asText(), "admin's top hit: " + adminTop);
        assertTrue(adminTop.at("/fields/_longdoc_answers/0/text").asText().contains(secret.answer()), "admin's answer: " + adminTop);

        try (RestClient client = node.restClient("reader", PASSWORD)) {
            JsonRest reader = new JsonRest(client);
            JsonRest.Reply denied = reader.post("/" + PRIVATE + "/_search", qa(secret.question()));
            assertForbidden(denied, "indices:data/read/search");
            assertForbidden(reader.post("/" + PUBLIC + "," + PRIVATE + "/_search", qa(secret.question())), "indices:data/read/search");
            assertForbidden(reader.post("/" + PRIVATE + "/_search", rescore(secret.question())), "indices:data/read/search");

            // a wildcard resolves to the indices the user may read: the private document never comes back
            JsonNode hits = reader.post("/sec-*/_search", qa(secret.question())).assertSuccess().at("/hits/hits");
            assertTrue(hits.size() > 0, "the public index answers: " + hits);
            for (JsonNode hit : hits) {
                assertEquals(PUBLIC, hit.path("_index").asText(), "a hit the reader may not see: " + hit);
            }
            JsonNode rescored = reader.post("/sec-*/_search", rescore(secret.question())).assertSuccess().at("/hits/hits");
            for (JsonNode hit : rescored) {
                assertEquals(PUBLIC, hit.path("_index").asText(), "a rescored hit the reader may not see: " + hit);
            }

            // and the reader's own index works, answers included
            InsertionTask.Item mine = publicItems.get(0);
            JsonNode top = reader.post("/" + PUBLIC + "/_search", qa(mine.question())).assertSuccess().at("/hits/hits/0");
            assertEquals(mine.id(), top.path("_id").asText(), "reader's top hit: " + top);
            assertTrue(top.at("/fields/_longdoc_answers/0/text").asText().contains(mine.answer()), "reader's answer: " + top);
            System.out.printf("SECURITY: reader: %s 403 on %s (query, rescorer, both indices); sec-* gives %d public hits; own index answered \"%s\"%n",
                denied.status(), PRIVATE, hits.size(), top.at("/fields/_longdoc_answers/0/text").asText());
        }
    }

    @Test
    void anonymousCallsAreRejected() throws IOException {
        try (RestClient anonymous = RestClient.builder(node.httpHost()).build()) {
            JsonRest es = new JsonRest(anonymous);
            assertEquals(401, es.get("/_longdoc/models").status(), "GET _longdoc/models without credentials");
            assertEquals(401, es.post("/_longdoc/models/" + MODEL + "/_load", null).status(), "POST _load without credentials");
            assertEquals(401, es.post("/" + PUBLIC + "/_search", qa("What is the pass key?")).status(), "search without credentials");
        }
    }

    @Test
    void listingModelsNeedsMonitorAndLoadingNeedsManageOrTheLongdocActions() throws IOException {
        try (RestClient readerClient = node.restClient("reader", PASSWORD);
             RestClient watcherClient = node.restClient("watcher", PASSWORD);
             RestClient operatorClient = node.restClient("operator", PASSWORD);
             RestClient managerClient = node.restClient("manager", PASSWORD)) {
            JsonRest reader = new JsonRest(readerClient);
            JsonRest watcher = new JsonRest(watcherClient);
            JsonRest operator = new JsonRest(operatorClient);
            JsonRest manager = new JsonRest(managerClient);

            assertForbidden(reader.get("/_longdoc/models"), "cluster:monitor/longdoc/models/get");
            JsonRest.Reply listed = watcher.get("/_longdoc/models").assertSuccess();
            assertTrue(listed.raw().contains("\"" + MODEL + "\""), "watcher sees the models: " + listed);
            assertForbidden(watcher.post("/_longdoc/models/" + Fixtures.BGE + "/_load", null), "cluster:admin/longdoc/models/load");
            assertForbidden(reader.post("/_longdoc/models/" + Fixtures.BGE + "/_load", null), "cluster:admin/longdoc/models/load");
            // a denied call must not reveal whether a model exists: 403, not 404
            assertForbidden(watcher.post("/_longdoc/models/no-such-model/_load", null), "cluster:admin/longdoc/models/load");

            JsonRest.Reply loaded = operator.post("/_longdoc/models/" + Fixtures.BGE + "/_load", null).assertSuccess();
            assertEquals(1, loaded.at("/_nodes/successful").asInt(), "one node loaded it: " + loaded);
            assertTrue(loaded.at("/nodes").elements().next().path("loaded").asBoolean(), "loaded: " + loaded);
            JsonRest.Reply again = manager.post("/_longdoc/models/" + MODEL + "/_load", null).assertSuccess();
            assertEquals(1, again.at("/_nodes/successful").asInt(), "manage loads too: " + again);
            assertEquals(404, manager.post("/_longdoc/models/no-such-model/_load", null).status(), "an unknown model is 404 once authorised");

            JsonNode models = watcher.get("/_longdoc/models/" + Fixtures.BGE).assertSuccess().at("/models/0");
            assertTrue(models.path("loaded").asBoolean(), "GET shows the model loaded: " + models);
            for (JsonRest.Reply reply : List.of(listed, loaded, again)) {
                assertFalse(reply.raw().contains(node.home().toString()), "a filesystem path in " + reply);
                assertFalse(reply.raw().matches("(?s).*\"/[a-z].*"), "something like an absolute path in " + reply);
            }
            System.out.println("SECURITY: _longdoc/models: no monitor 403, monitor 200; _load: monitor 403, cluster:admin/longdoc/* 200 ("
                + loaded.at("/nodes").elements().next().path("took_ms").asLong() + " ms), manage 200; unknown model 403 before authorisation, 404 after");
        }
    }

    private static void assertForbidden(JsonRest.Reply reply, String action) {
        assertEquals(403, reply.status(), "expected 403: " + reply);
        assertTrue(reply.raw().contains(action), "the 403 names the action [" + action + "]: " + reply);
    }

    private static ObjectNode qa(String question) {
        ObjectNode body = JsonRest.object();
        body.put("size", 3);
        body.putObject("_source").put("includes", "nothing");
        body.putObject("query").putObject("long_doc_qa").put("question", question).put("field", "body").put("model_id", MODEL)
            .put("candidates", 20);
        return body;
    }

    private static ObjectNode rescore(String question) {
        ObjectNode body = JsonRest.object();
        body.put("size", 3);
        body.putObject("query").putObject("match").put("body", question);
        ObjectNode rescore = body.putObject("rescore");
        rescore.put("window_size", 10);
        rescore.putObject("long_doc_qa").put("question", question).put("field", "body").put("model_id", MODEL);
        return body;
    }

    private static void index(String index, List<InsertionTask.Item> items) {
        Fixtures.createQaIndex(admin, index, 1);
        JsonRest.Bulk bulk = new JsonRest.Bulk();
        for (InsertionTask.Item item : items) {
            ObjectNode source = JsonRest.object();
            source.put("body", item.text());
            bulk.index(index, item.id(), source);
        }
        Fixtures.assertBulkIndexedAll(admin.bulk("/_bulk?pipeline=" + PIPELINE + "&refresh=true", bulk), items.size());
    }
}
