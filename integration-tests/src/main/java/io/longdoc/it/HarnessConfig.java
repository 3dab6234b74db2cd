package io.longdoc.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The system properties failsafe hands to the integration tests, read once and checked, so that a
 * missing or wrong one fails with a message saying which and how to set it.
 */
public final class HarnessConfig {

    public static final String DISTRIBUTION = "tests.es.distribution";
    public static final String PLUGIN_ZIP = "tests.plugin.zip";
    /** Optional: the GPU zip, set by the {@code longdoc-gpu} Maven profile. */
    public static final String GPU_PLUGIN_ZIP = "tests.plugin.gpu_zip";
    public static final String JAVA_HOME = "tests.es.java_home";
    public static final String WORK_DIR = "tests.work.dir";
    /** Optional; defaults to {@code it-logs} next to the work dir. */
    public static final String LOGS_DIR = "tests.logs.dir";

    private HarnessConfig() {}

    /** The {@code integ-test-zip} distribution of Elasticsearch. */
    public static Path distribution() {
        return existingFile(DISTRIBUTION);
    }

    /**
     * The plugin zip to install. Empty only for trials of the harness itself
     * ({@code -Dtests.plugin.zip=}), in which case the node runs without the plugin.
     */
    public static Optional<Path> pluginZip() {
        String value = System.getProperty(PLUGIN_ZIP);
        if (value == null) {
            throw missing(PLUGIN_ZIP);
        }
        if (value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(existingFile(PLUGIN_ZIP));
    }

    /** The GPU zip when this run built it ({@code -Plongdoc-gpu}); empty otherwise, and the tests that need it skip. */
    public static Optional<Path> gpuPluginZip() {
        String value = System.getProperty(GPU_PLUGIN_ZIP);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(existingFile(GPU_PLUGIN_ZIP));
    }

    /** The JDK Elasticsearch runs on ({@code ES_JAVA_HOME}). */
    public static Path esJavaHome() {
        Path home = absolute(JAVA_HOME);
        if (!Files.isExecutable(home.resolve("bin/java"))) {
            throw new IllegalStateException(
                "System property [" + JAVA_HOME + "] = [" + home + "] is not a JDK: no executable bin/java in it");
        }
        return home;
    }


    /** Scratch folder under {@code target/}; nodes are unzipped here. */
    public static Path workDir() {
        return absolute(WORK_DIR);
    }

    /** Where node logs are kept after the run: {@code -Dtests.logs.dir}, else {@code it-logs} beside the work dir. */
    public static Path logsDir() {
        String value = System.getProperty(LOGS_DIR);
        if (value != null && !value.isBlank()) {
            return Path.of(value).toAbsolutePath().normalize();
        }
        return workDir().resolveSibling("it-logs");
    }

    /** A node builder with the distribution, JDK, folders and the plugin of this run set. */
    public static ElasticsearchNode.Builder nodeWithPlugin(String name) {
        return ElasticsearchNode.builder(name)
            .distribution(distribution())
            .javaHome(esJavaHome())
            .workDir(workDir())
            .logsDir(logsDir())
            .plugin(pluginZip().orElseThrow(() -> new IllegalStateException("this test needs the plugin: " + PLUGIN_ZIP + " is empty")));
    }

    /** A node builder like {@link #nodeWithPlugin} with the GPU zip installed instead of the CPU zip. */
    public static ElasticsearchNode.Builder nodeWithGpuPlugin(String name, Path gpuZip) {
        return ElasticsearchNode.builder(name)
            .distribution(distribution())
            .javaHome(esJavaHome())
            .workDir(workDir())
            .logsDir(logsDir())
            .plugin(gpuZip);
    }

    private static Path existingFile(String property) {
        Path file = absolute(property);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("System property [" + property + "] = [" + file + "] is not an existing file");
        }
        return file;
    }

    private static Path absolute(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw missing(property);
        }
        return Path.of(value).toAbsolutePath().normalize();
    }

    private static IllegalStateException missing(String property) {
        return new IllegalStateException(
            "System property [" + property + "] is not set. The integration tests are meant to run through `mvn verify`, "
                + "whose failsafe configuration passes " + DISTRIBUTION + ", " + PLUGIN_ZIP + ", " + JAVA_HOME + ", "
                + "tests.corpus.dir and " + WORK_DIR + "; to run them another way pass each with -D.");
    }
}
