package io.longdoc.it;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.entity.NStringEntity;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON over the low-level REST client: bodies in and out as Jackson trees, and HTTP errors
 * returned as a {@link Reply} (never thrown) so tests can assert on 4xx answers.
 */
public final class JsonRest {

    public static final ObjectMapper MAPPER = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static final ContentType NDJSON = ContentType.create("application/x-ndjson", StandardCharsets.UTF_8);

    private final RestClient client;

    public JsonRest(RestClient client) {
        this.client = client;
    }

    public Reply get(String path) {
        return request("GET", path, null);
    }

    public Reply delete(String path) {
        return request("DELETE", path, null);
    }

    public Reply put(String path, Object body) {
        return request("PUT", path, body);
    }

    public Reply post(String path, Object body) {
        return request("POST", path, body);
    }

    /** Sets a persistent cluster setting, or resets it to its default when {@code value} is null. */
    public void putPersistentSetting(String key, Object value) {
        ObjectNode settings = object();
        settings.putObject("persistent").set(key, MAPPER.valueToTree(value));
        put("/_cluster/settings", settings).assertSuccess();
    }

    /**
     * One request. {@code path} may carry a query string ({@code /_bulk?refresh=true}); it is sent
     * as is, so percent-escapes in it reach the node unchanged. {@code body} is null, a JSON
     * string, or anything Jackson can write.
     */
    public Reply request(String method, String path, Object body) {
        Request request = newRequest(method, path);
        if (body != null) {
            request.setJsonEntity(body instanceof String s ? s : toJson(body));
        }
        return perform(request);
    }

    /** {@code POST <path>} with the bulk's NDJSON, e.g. {@code bulk("/_bulk?pipeline=p&refresh=true", bulk)}. */
    public Reply bulk(String path, Bulk bulk) {
        Request request = newRequest("POST", path);
        request.setEntity(new NStringEntity(bulk.ndjson(), NDJSON));
        return perform(request);
    }

    private static Request newRequest(String method, String path) {
        int question = path.indexOf('?');
        Request request = new Request(method, question < 0 ? path : path.substring(0, question));
        if (question >= 0) {
            for (String pair : path.substring(question + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                request.addParameter(key, value);
            }
        }
        return request;
    }

    private Reply perform(Request request) {
        Response response;
        try {
            response = client.performRequest(request);
        } catch (ResponseException e) {
            response = e.getResponse();
        } catch (IOException e) {
            throw new UncheckedIOException(request.getMethod() + " " + request.getEndpoint() + " failed", e);
        }
        try {
            String raw = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
            return new Reply(request.getMethod() + " " + request.getEndpoint(), response.getStatusLine().getStatusCode(), raw);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the answer to " + request.getMethod() + " " + request.getEndpoint(), e);
        }
    }

    public static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON of " + value.getClass(), e);
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** A JSON literal parsed; use for request bodies written out in tests. */
    public static JsonNode json(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }

    /** A JSON array of numbers as floats. */
    public static float[] floats(JsonNode array) {
        if (array == null || !array.isArray()) {
            throw new AssertionError("expected an array of numbers, got " + array);
        }
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            if (!array.get(i).isNumber()) {
                throw new AssertionError("expected a number at [" + i + "], got " + array.get(i));
            }
            out[i] = array.get(i).floatValue();
        }
        return out;
    }

    public static double l2Norm(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }

    /** An answer: status, the body as text and as a JSON tree ({@link MissingNode} when not JSON). */
    public record Reply(String request, int status, String raw) {

        public JsonNode body() {
            if (raw.isBlank()) {
                return MissingNode.getInstance();
            }
            try {
                return MAPPER.readTree(raw);
            } catch (JsonProcessingException e) {
                return MissingNode.getInstance();
            }
        }

        /** The node at a JSON pointer, e.g. {@code at("/hits/total/value")}. */
        public JsonNode at(String pointer) {
            return body().at(pointer);
        }

        public boolean isSuccess() {
            return status >= 200 && status < 300;
        }

        /** Fails the test with the answer unless it is 2xx. */
        public Reply assertSuccess() {
            if (!isSuccess()) {
                throw new AssertionError(request + " answered " + status + ": " + abbreviate(raw));
            }
            return this;
        }

        /** Every {@code reason} in the body's {@code error} (root causes, caused_by chain), joined; "" when none. */
        public String errorReasons() {
            return reasonsOf(body().path("error"));
        }

        @Override
        public String toString() {
            return request + " -> " + status + " " + abbreviate(raw);
        }
    }

    /** All {@code reason} strings under a node (an {@code error} object or a bulk item's {@code error}). */
    public static String reasonsOf(JsonNode error) {
        List<String> reasons = new ArrayList<>();
        collectReasons(error, reasons);
        if (reasons.isEmpty() && error.isTextual()) {
            reasons.add(error.asText());
        }
        return String.join(" | ", reasons);
    }

    private static void collectReasons(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                if (field.getKey().equals("reason") && field.getValue().isTextual()) {
                    out.add(field.getValue().asText());
                } else {
                    collectReasons(field.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectReasons(child, out));
        }
    }

    static String abbreviate(String text) {
        return text.length() <= 2_000 ? text : text.substring(0, 2_000) + "... (" + text.length() + " chars)";
    }

    /** A {@code _bulk} body built line by line. */
    public static final class Bulk {
        private final StringBuilder ndjson = new StringBuilder();
        private int size;

        /** An {@code index} action: {@code id} may be null for a generated id. */
        public Bulk index(String index, String id, Object source) {
            ObjectNode action = object();
            ObjectNode meta = action.putObject("index");
            meta.put("_index", index);
            if (id != null) {
                meta.put("_id", id);
            }
            ndjson.append(toJson(action)).append('\n');
            String doc = source instanceof String s ? s : toJson(source);
            if (doc.indexOf('\n') >= 0) {
                doc = toJson(json(doc));
            }
            ndjson.append(doc).append('\n');
            size++;
            return this;
        }

        public int size() {
            return size;
        }

        public String ndjson() {
            return ndjson.toString();
        }
    }
}
