package io.longdoc.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a forward pass spends its time, per ONNX op type, read from ONNX Runtime's profile (the Chrome-trace JSON
 * that {@code SessionOptions.enableProfiling} writes): the {@code *_kernel_time} events of each node, summed by
 * {@code args.op_name} over the last {@code runs} {@code model_run} events (earlier ones are warm-up), divided by the
 * runs. {@code runMs} is the mean {@code model_run} time, so what the kernels do not account for (the executor, copies
 * between nodes) shows as the difference.
 */
record OpProfile(Map<String, Double> msPerRun, double runMs, int runs) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static OpProfile parse(String trace, int runs) throws IOException {
        JsonNode events = JSON.readTree(trace);
        List<JsonNode> modelRuns = new ArrayList<>();
        for (JsonNode event : events) {
            if ("Session".equals(event.path("cat").asText()) && "model_run".equals(event.path("name").asText())) {
                modelRuns.add(event);
            }
        }
        modelRuns.sort(Comparator.comparingLong(e -> e.path("ts").asLong()));
        if (modelRuns.size() < runs) {
            throw new IllegalArgumentException("the profile holds " + modelRuns.size() + " runs, fewer than the " + runs + " asked for");
        }
        List<JsonNode> timed = modelRuns.subList(modelRuns.size() - runs, modelRuns.size());
        Map<String, Double> micros = new LinkedHashMap<>();
        double runMicros = 0;
        for (JsonNode run : timed) {
            long start = run.path("ts").asLong();
            long end = start + run.path("dur").asLong();
            runMicros += run.path("dur").asLong();
            for (JsonNode event : events) {
                long ts = event.path("ts").asLong();
                if ("Node".equals(event.path("cat").asText()) && event.path("name").asText().endsWith("_kernel_time") && ts >= start && ts <= end) {
                    micros.merge(event.path("args").path("op_name").asText("?"), event.path("dur").asDouble(), Double::sum);
                }
            }
        }
        Map<String, Double> ms = new LinkedHashMap<>();
        micros.entrySet().stream()
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .forEach(e -> ms.put(e.getKey(), e.getValue() / 1000 / runs));
        return new OpProfile(ms, runMicros / 1000 / runs, runs);
    }

    /** Milliseconds of all kernels together, per run. */
    double kernelMs() {
        return msPerRun.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The op type's share of the kernels' time (0 when the profile has no such op). */
    double share(String opType) {
        double total = kernelMs();
        return total == 0 ? 0 : msPerRun.getOrDefault(opType, 0.0) / total;
    }
}
