package io.longdoc.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.longdoc.it.JsonRest;

import java.util.Map;
import java.util.TreeMap;

/**
 * The harness's {@code --compile key=value,...}: the long model's {@code compile} section with some keys changed
 * (e.g. {@code positions=interpolate}, {@code attention.window=128}), under an id that names the change, so that a
 * variant's compiled graph and ingested vectors never mix with the bundled model's. Numbers and true/false are
 * written as JSON numbers and booleans; the plugin's own spec parser validates the result when the model loads.
 */
final class SpecVariant {

    private SpecVariant() {}

    /** Parses {@code key=value,key=value} (keys relative to {@code compile}, dots for nesting); empty for null. */
    static Map<String, String> parse(String option) {
        Map<String, String> changes = new TreeMap<>();
        if (option == null || option.isBlank()) {
            return changes;
        }
        for (String pair : option.split(",")) {
            String[] kv = pair.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new IllegalArgumentException("--compile takes key=value pairs separated by commas, got [" + pair + "]");
            }
            changes.put(kv[0].trim(), kv[1].trim());
        }
        return changes;
    }

    /** The id suffix of a variant: "" for none, else "-key-value" per change ({@code -positions-interpolate}). */
    static String suffix(Map<String, String> changes) {
        StringBuilder suffix = new StringBuilder();
        changes.forEach((key, value) -> suffix.append('-').append(key.replace('.', '-')).append('-').append(value.replace('.', '-')));
        return suffix.toString().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
    }

    /** {@code spec} (JSON) with its compile section changed. */
    static String apply(String spec, Map<String, String> changes) {
        if (changes.isEmpty()) {
            return spec;
        }
        ObjectNode root = (ObjectNode) JsonRest.json(spec);
        if (root.path("compile").isObject() == false) {
            throw new IllegalArgumentException("--compile needs a model compiled from weights; [" + root.path("id").asText() + "] has no compile section");
        }
        for (Map.Entry<String, String> change : changes.entrySet()) {
            String[] path = change.getKey().split("\\.");
            ObjectNode parent = (ObjectNode) root.get("compile");
            for (int i = 0; i < path.length - 1; i++) {
                JsonNode child = parent.get(path[i]);
                parent = child instanceof ObjectNode object ? object : parent.putObject(path[i]);
            }
            put(parent, path[path.length - 1], change.getValue());
        }
        root.put("description", root.path("description").asText() + " (harness variant: compile " + changes + ")");
        return JsonRest.toJson(root);
    }

    private static void put(ObjectNode parent, String key, String value) {
        if (value.equals("true") || value.equals("false")) {
            parent.put(key, Boolean.parseBoolean(value));
        } else if (value.matches("-?\\d+")) {
            parent.put(key, Integer.parseInt(value));
        } else {
            parent.put(key, value);
        }
    }
}
