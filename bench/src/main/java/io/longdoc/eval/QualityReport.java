package io.longdoc.eval;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.longdoc.it.JsonRest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes the harness's records as {@code quality.json} and a table per task as {@code quality.md}. */
final class QualityReport {

    private QualityReport() {}

    /** What an earlier run with the same options wrote: its records and the seconds it took. */
    record Previous(List<Map<String, Object>> records, double seconds) {
        static final Previous NONE = new Previous(List.of(), 0);

        boolean has(String task, int length) {
            return records.stream().anyMatch(r -> task.equals(r.get("task")) && Integer.valueOf(length).equals(r.get("length")));
        }
    }

    /**
     * The records of {@code out/quality.json}, if it exists; refuses a file written with other options, since mixing
     * sets of two configurations in one table would compare unlike things.
     */
    @SuppressWarnings("unchecked")
    static Previous read(Path out, Map<String, String> options) throws IOException {
        Path file = out.resolve("quality.json");
        if (Files.exists(file) == false) {
            return Previous.NONE;
        }
        Map<String, Object> root = JsonRest.MAPPER.readValue(file.toFile(), Map.class);
        Object written = root.get("options");
        if (options.equals(written) == false) {
            throw new IllegalArgumentException("--resume: " + file + " was written with options " + written + ", not " + options
                + "; use another --out or the same options");
        }
        return new Previous((List<Map<String, Object>>) root.get("records"), ((Number) root.get("seconds")).doubleValue());
    }

    static void write(Path out, List<Map<String, Object>> records, String command, Map<String, String> options, double seconds)
        throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("command", "bash bench/quality.sh " + command);
        root.put("options", options);
        root.put("seconds", Math.round(seconds));
        root.put("records", records);
        Files.writeString(out.resolve("quality.json"), JsonRest.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n");
        StringBuilder md = new StringBuilder("# longdoc quality\n\n");
        md.append("```\nbash bench/quality.sh ").append(command).append("\n```\n\n");
        md.append(String.format(Locale.ROOT, "%d records in %.0f s. top-1 = nDCG@1 (one relevant document); answer = the top hit is the target "
            + "and its answer contains the key/place (passkey, needle) or overlaps the section (deep-section).%n%n", records.size(), seconds));
        md.append("| task | length | documents | questions | method | top-1 | MRR@10 | answer |\n| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |\n");
        for (Map<String, Object> r : records) {
            if (r.containsKey("status")) {
                Object length = r.get("length");
                md.append("| ").append(r.get("task")).append(" | ").append(Integer.valueOf(0).equals(length) ? "whole corpus" : length)
                    .append(" | | | | ").append(r.get("status")).append(" | | |\n");
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %.2f | %.3f | %s |%n", r.get("task"),
                (Integer) r.get("length") > 0 ? r.get("length") : "whole corpus", r.get("documents"), r.get("questions"), r.get("method"),
                (Double) r.get("top1"), (Double) r.get("mrr_at_10"),
                r.containsKey("answer_accuracy") ? String.format(Locale.ROOT, "%.2f", (Double) r.get("answer_accuracy")) : "–"));
        }
        Files.writeString(out.resolve("quality.md"), md.toString());
    }
}
