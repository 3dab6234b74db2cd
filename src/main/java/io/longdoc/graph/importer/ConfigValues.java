package io.longdoc.graph.importer;

import java.util.List;
import java.util.Map;

/**
 * Typed values of a parsed JSON config ({@code config.json}, {@code generation_config.json}): a key that is absent or
 * null takes the default; a value of another type is refused with an {@link IllegalArgumentException} naming the key.
 *
 * @param where what errors put before {@code [key]}, e.g. {@code "[config.json] key "}; empty for none
 */
public record ConfigValues(Map<String, Object> map, String where) {

    /** Errors read {@code [file] key [name] must be ...}. */
    public static ConfigValues of(Map<String, Object> map, String file) {
        return new ConfigValues(map, "[" + file + "] key ");
    }

    public Integer integer(String key, Integer defaultValue) {
        Object value = map.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Integer i) {
            return i;
        }
        throw wrong(key, "an integer", value);
    }

    public double number(String key, double defaultValue) {
        Object value = map.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw wrong(key, "a number", value);
    }

    public String string(String key, String defaultValue) {
        Object value = map.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof String s) {
            return s;
        }
        throw wrong(key, "a string", value);
    }

    public boolean bool(String key, boolean defaultValue) {
        Object value = map.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw wrong(key, "true or false", value);
    }

    /**
     * A token id key that transformers accepts as one id or a list of ids ({@code eos_token_id},
     * {@code forced_eos_token_id}).
     */
    public int[] tokenIds(String key, int[] defaultValue) {
        Object value = map.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Integer i) {
            return new int[] { i };
        }
        if (value instanceof List<?> list && list.isEmpty() == false && list.stream().allMatch(v -> v instanceof Integer)) {
            return list.stream().mapToInt(v -> (Integer) v).toArray();
        }
        throw wrong(key, "a token id or a non-empty list of token ids", value);
    }

    private IllegalArgumentException wrong(String key, String expected, Object value) {
        return new IllegalArgumentException(where + "[" + key + "] must be " + expected + ", got [" + value + "]");
    }
}
