package io.longdoc.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * A bulk client as a well-behaved Elasticsearch user writes one: documents go out in bulks through a pipeline,
 * acknowledged items are recorded, and what the {@link RetryRule} calls transient (a 429 from a full queue, a 503
 * while a node is gone, a lost connection) is sent again after a growing pause. Anything else is a failure, kept
 * with its reason for the test to assert on. Several clients may share one instance: the records are thread-safe.
 */
final class RetryingBulkClient {

    /**
     * Which answers are worth sending again.
     *
     * @param status          item or whole-bulk statuses to retry
     * @param lostConnection  whether a request that got no answer at all is retried (a node was killed)
     * @param maxAttempts     per bulk, before the test gives up
     * @param maxPauseMillis  the cap of the doubling pause between attempts (it starts at 200 ms)
     */
    record RetryRule(IntPredicate status, boolean lostConnection, int maxAttempts, long maxPauseMillis) {

        /** A single node under load: only a full queue (429) is transient. */
        static RetryRule tooManyRequests() {
            return new RetryRule(status -> status == 429, false, 1_000, 5_000);
        }

        /** A cluster losing a node: 429, any 5xx and a dropped connection are transient. */
        static RetryRule nodeLoss() {
            return new RetryRule(status -> status == 429 || status >= 500, true, 60, 3_000);
        }
    }

    private final JsonRest es;
    private final String index;
    private final String pipeline;
    private final RetryRule rule;
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> retried = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();

    RetryingBulkClient(JsonRest es, String index, String pipeline, RetryRule rule) {
        this.es = es;
        this.index = index;
        this.pipeline = pipeline;
        this.rule = rule;
    }

    /** Every {@code clients}-th document starting at {@code client}: one client's share of a stream. */
    static List<ObjectNode> shareOf(List<ObjectNode> documents, int client, int clients) {
        List<ObjectNode> mine = new ArrayList<>();
        for (int i = client; i < documents.size(); i += clients) {
            mine.add(documents.get(i));
        }
        return mine;
    }

    /** Sends the documents in bulks of {@code bulkSize}; returns when each is acknowledged or has failed for good. */
    void send(List<ObjectNode> documents, int bulkSize) throws InterruptedException {
        for (int from = 0; from < documents.size(); from += bulkSize) {
            List<ObjectNode> pending = new ArrayList<>(documents.subList(from, Math.min(documents.size(), from + bulkSize)));
            for (int attempt = 0; pending.isEmpty() == false; attempt++) {
                if (attempt >= rule.maxAttempts()) {
                    throw new AssertionError(pending.size() + " documents still not acknowledged after " + attempt + " attempts");
                }
                if (attempt > 0) {
                    Thread.sleep(Math.min(rule.maxPauseMillis(), 200L << Math.min(attempt - 1, 5)));
                }
                pending = sendOnce(pending);
            }
        }
    }

    /** One bulk request; returns the documents to send again. */
    private List<ObjectNode> sendOnce(List<ObjectNode> pending) {
        JsonRest.Reply reply;
        try {
            reply = es.bulk("/_bulk?pipeline=" + pipeline, Fixtures.bulkOf(index, pending));
        } catch (UncheckedIOException e) {
            if (rule.lostConnection() == false) {
                throw e;
            }
            count("connection", pending.size());
            return pending;
        }
        if (reply.isSuccess() == false) {
            if (rule.status().test(reply.status()) == false) {
                throw new AssertionError("bulk failed: " + reply);
            }
            count("bulk " + reply.status(), pending.size());
            return pending;
        }
        List<ObjectNode> again = new ArrayList<>();
        JsonNode items = reply.at("/items");
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i).path("index");
            int status = item.path("status").asInt();
            String id = item.path("_id").asText();
            if (status == 200 || status == 201) {
                acknowledged.add(id);
            } else if (rule.status().test(status)) {
                count("item " + status, 1);
                again.add(pending.get(i));
            } else {
                failures.put(id, status + ": " + JsonRest.reasonsOf(item.path("error")));
            }
        }
        return again;
    }

    private void count(String why, int documents) {
        retried.computeIfAbsent(why, k -> new AtomicInteger()).addAndGet(documents);
    }

    /** Ids of the acknowledged documents (live view). */
    Set<String> acknowledged() {
        return acknowledged;
    }

    /** Documents sent again, by reason ({@code item 429}, {@code bulk 503}, {@code connection}). */
    Map<String, AtomicInteger> retried() {
        return retried;
    }

    int retriedTotal() {
        return retried.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Documents that failed for good: id → status and reason. */
    Map<String, String> failures() {
        return failures;
    }
}
