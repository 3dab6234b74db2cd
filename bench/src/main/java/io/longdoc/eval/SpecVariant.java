package io.longdoc.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.longdoc.it.JsonRest;

import java.util.Map;

/**
 * The harness's {@code --compile key=value,...}: the long model's {@code compile} section with some keys changed
 * (e.g. {@code positions=interpolate}, {@code attention.window=128}), under an id that names the change, so that a
 * variant's compiled graph and ingested vectors never mix with the bundled model's. Values are typed as
 * {@link KeyValues} says; the plugin's own spec parser validates the result when the model loads.
 */
final class SpecVariant {

    private SpecVariant() {}

    /** Parses {@code key=value,key=value} (keys relative to {@code compile}, dots for nesting); empty for null. */
    static Map<String, String> parse(String option) {
        return KeyValues.parse(option, "--compile");
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
            KeyValues.put(parent, path[path.length - 1], change.getValue());
        }
        root.put("description", root.path("description").asText() + " (harness variant: compile " + changes + ")");
        return JsonRest.toJson(root);
    }
}
