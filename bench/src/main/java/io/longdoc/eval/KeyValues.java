package io.longdoc.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.TreeMap;

/**
 * The harness's {@code key=value,key=value} options ({@code --qa}, {@code --compile}) and how a value is written
 * into a JSON request or spec: true/false as a boolean, a whole number as an integer, a decimal as a double, anything
 * else as a string. What the plugin makes of it is the plugin's own parser's business (it names a bad value).
 */
final class KeyValues {

    private KeyValues() {}

    /** {@code option}'s pairs in key order; empty for null or blank. */
    static Map<String, String> parse(String option, String flag) {
        Map<String, String> pairs = new TreeMap<>();
        if (option == null || option.isBlank()) {
            return pairs;
        }
        for (String pair : option.split(",")) {
            String[] kv = pair.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new IllegalArgumentException(flag + " takes key=value pairs separated by commas, got [" + pair + "]");
            }
            pairs.put(kv[0].trim(), kv[1].trim());
        }
        return pairs;
    }

    /** Sets {@code key} on {@code object} to {@code value} typed as the class says. */
    static void put(ObjectNode object, String key, String value) {
        if (value.equals("true") || value.equals("false")) {
            object.put(key, Boolean.parseBoolean(value));
        } else if (value.matches("-?\\d+")) {
            object.put(key, Integer.parseInt(value));
        } else if (value.matches("-?\\d*\\.\\d+")) {
            object.put(key, Double.parseDouble(value));
        } else {
            object.put(key, value);
        }
    }
}
