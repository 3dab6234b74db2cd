package io.longdoc.summary;

import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The synthetic LED checkpoint and what the independent numpy reference computes on it, both written at test time
 * under target/ by the scripts in src/test/python/led (so no expected value is checked in to go stale).
 */
record LedFixture(Path checkpoint, Map<String, Object> values) {

    static final Path SCRIPTS = Path.of("src/test/python/led").toAbsolutePath();

    static LedFixture create(Path dir) throws IOException, InterruptedException {
        Path checkpoint = dir.resolve("checkpoint");
        Path fixture = dir.resolve("reference.json");
        python(dir, SCRIPTS.resolve("led_synthetic.py").toString(), checkpoint.toString());
        python(dir, SCRIPTS.resolve("led_reference.py").toString(), checkpoint.toString(), fixture.toString());
        try (InputStream in = Files.newInputStream(fixture)) {
            return new LedFixture(checkpoint, XContentHelper.convertToMap(XContentType.JSON.xContent(), in, false));
        }
    }

    private static void python(Path dir, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "python3";
        System.arraycopy(args, 0, command, 1, args.length);
        Path log = dir.resolve("python.log");
        Files.createDirectories(dir);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (process.waitFor(5, TimeUnit.MINUTES) == false) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", command));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                "failed (exit " + process.exitValue() + "): " + String.join(" ", command) + "\n" + Files.readString(log, StandardCharsets.UTF_8)
            );
        }
    }

    long[] inputIds() {
        return ints("input_ids").stream().mapToLong(Integer::longValue).toArray();
    }

    int[] intArray(String key) {
        return ints(key).stream().mapToInt(Integer::intValue).toArray();
    }

    @SuppressWarnings("unchecked")
    List<Integer> ints(String key) {
        return (List<Integer>) values.get(key);
    }

    @SuppressWarnings("unchecked")
    double[] vector(String key) {
        return ((List<Number>) values.get(key)).stream().mapToDouble(Number::doubleValue).toArray();
    }

    @SuppressWarnings("unchecked")
    double[][] matrix(String key) {
        return ((List<List<Number>>) values.get(key)).stream().map(row -> row.stream().mapToDouble(Number::doubleValue).toArray()).toArray(double[][]::new);
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> scenarios() {
        return (List<Map<String, Object>>) values.get("scenarios");
    }

    static double maxDiff(float[] actual, double[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError("length " + actual.length + " != " + expected.length);
        }
        double diff = 0;
        for (int i = 0; i < actual.length; i++) {
            diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
        }
        return diff;
    }

    static double maxDiff(float[][] actual, double[][] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError("rows " + actual.length + " != " + expected.length);
        }
        double diff = 0;
        for (int i = 0; i < actual.length; i++) {
            diff = Math.max(diff, maxDiff(actual[i], expected[i]));
        }
        return diff;
    }
}
