package io.longdoc.it;

import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

/**
 * Gives integration tests the one Elasticsearch node of the JVM run, with the longdoc plugin
 * installed and a deliberately corrupt operator model {@value #BROKEN_MODEL} in its config dir.
 * The node is started by the first class that uses the extension, kept in the root store and
 * stopped when the whole run ends. Test constructors and methods may declare parameters of type
 * {@link ElasticsearchNode}, {@link RestClient} and {@link JsonRest}.
 *
 * <pre>
 * {@literal @}ExtendWith(LongdocNodeExtension.class)
 * class SomethingIT {
 *     SomethingIT(JsonRest es) { ... }
 * }
 * </pre>
 */
public final class LongdocNodeExtension implements BeforeAllCallback, ParameterResolver {

    /** Id of the operator model with a constructed question-answering head ({@code SyntheticQaModel}). */
    public static final String QA_MODEL = "synthetic-qa";
    /** The synthetic LED of src/test/python/led, with 16,384 encoder positions, as an operator summary model. */
    public static final String LED_MODEL = "synthetic-led";

    /** Operator models that are broken in other ways: a cut safetensors file, dims the model does not have, a missing file. */
    public static final String TRUNCATED_WEIGHTS_MODEL = "truncated-weights";
    public static final String WRONG_DIMS_MODEL = "wrong-dims";
    public static final String MISSING_FILE_MODEL = "missing-file";

    /** Id of the operator model whose {@code model.onnx} is garbage. */
    public static final String BROKEN_MODEL = "broken";

    static final String BROKEN_MODEL_JSON = """
        {"id":"broken","architecture":"bert","dims":384,"pooling":"mean","normalize":true,"max_tokens":512,\
        "files":{"model":"model.onnx","tokenizer":"tokenizer.json"}}
        """;

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LongdocNodeExtension.class);
    private static final String KEY = "shared-node";

    /** The shared node, started on first use. */
    public static ElasticsearchNode node(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(KEY, key -> SharedNode.start(), SharedNode.class).get();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // start (or fail) before the first test of the class, not inside it
        node(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ElasticsearchNode.class || type == RestClient.class || type == JsonRest.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ElasticsearchNode node = node(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == ElasticsearchNode.class) {
            return node;
        }
        if (type == RestClient.class) {
            return node.restClient();
        }
        if (type == JsonRest.class) {
            return new JsonRest(node.restClient());
        }
        throw new ParameterResolutionException("cannot resolve " + type);
    }

    /**
     * Installs the synthetic LED checkpoint (config.json, generation_config.json, model.safetensors, tokenizer.json)
     * as operator summary model {@value #LED_MODEL}; also used by classes that start their own node.
     */
    static void addSyntheticLed(ElasticsearchNode.Builder builder) {
        try {
            Path folder = java.nio.file.Files.createTempDirectory("longdoc-led-model").resolve(LED_MODEL);
            Process python = new ProcessBuilder(
                "python3",
                Path.of("src/test/python/led/led_synthetic.py").toAbsolutePath().toString(),
                folder.toString(),
                "--max-encoder-positions",
                "16384"
            ).inheritIO().start();
            if (python.waitFor() != 0) {
                throw new IllegalStateException("led_synthetic.py failed with exit " + python.exitValue());
            }
            try (var files = java.nio.file.Files.list(folder)) {
                for (Path file : files.toList()) {
                    builder.withConfigFile("longdoc/models/" + LED_MODEL + "/" + file.getFileName(), java.nio.file.Files.readAllBytes(file));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write the synthetic LED model", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Holds the node, or the failure to start it so that later classes fail fast instead of retrying. */
    private static final class SharedNode implements ExtensionContext.Store.CloseableResource {
        private final ElasticsearchNode node;
        private final RuntimeException failure;

        private SharedNode(ElasticsearchNode node, RuntimeException failure) {
            this.node = node;
            this.failure = failure;
        }

        static SharedNode start() {
            try {
                ElasticsearchNode node = build();
                node.start();
                System.out.println("NODE: " + node.name() + " started in " + node.startupMillis() + " ms (prepared in "
                    + node.preparationMillis() + " ms: unzip, plugin install, config); http port " + node.httpPort()
                    + ", logs in " + node.keptLogsDir());
                return new SharedNode(node, null);
            } catch (RuntimeException e) {
                return new SharedNode(null, e);
            }
        }

        private static ElasticsearchNode build() {
            Optional<Path> plugin = HarnessConfig.pluginZip();
            ElasticsearchNode.Builder builder = ElasticsearchNode.builder("longdoc-it-0")
                .distribution(HarnessConfig.distribution())
                .javaHome(HarnessConfig.esJavaHome())
                .workDir(HarnessConfig.workDir())
                .logsDir(HarnessConfig.logsDir())
                .plugin(plugin.orElse(null));
            if (plugin.isPresent()) {
                String broken = "longdoc/models/" + BROKEN_MODEL + "/";
                builder.withConfigFile(broken + "model.json", BROKEN_MODEL_JSON.getBytes(StandardCharsets.UTF_8))
                    .withConfigFile(broken + "model.onnx", garbage())
                    .withConfigFileCopiedFrom(broken + "tokenizer.json", "plugins/longdoc/models/all-minilm-l6-v2/tokenizer.json");
                addSyntheticQaModel(builder);
                addSyntheticLed(builder);
                addBrokenModels(builder);
            } else {
                System.out.println("[it] " + HarnessConfig.PLUGIN_ZIP + " is empty: starting a node WITHOUT the plugin (harness trial only)");
            }
            return builder.build();
        }

        /** A Longformer checkpoint whose QA head is constructed (SyntheticQaModel), installed as an operator model. */
        private static void addSyntheticQaModel(ElasticsearchNode.Builder builder) {
            try {
                Path dir = java.nio.file.Files.createTempDirectory("longdoc-qa-model");
                Path folder = io.longdoc.search.reader.SyntheticQaModel.write(dir, QA_MODEL, 4096, io.longdoc.TestModels.bgeTokenizer());
                try (var files = java.nio.file.Files.list(folder)) {
                    for (Path file : files.toList()) {
                        builder.withConfigFile("longdoc/models/" + QA_MODEL + "/" + file.getFileName(), java.nio.file.Files.readAllBytes(file));
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot write the synthetic QA model", e);
            }
        }

        /** Models whose spec parses but whose files do not match it: each must fail its documents, not the node. */
        private static void addBrokenModels(ElasticsearchNode.Builder builder) {
            try {
                Path dir = java.nio.file.Files.createTempDirectory("longdoc-broken-models");
                Path folder = io.longdoc.search.reader.SyntheticQaModel.write(dir, TRUNCATED_WEIGHTS_MODEL, 512, io.longdoc.TestModels.bgeTokenizer());
                try (var files = java.nio.file.Files.list(folder)) {
                    for (Path file : files.toList()) {
                        byte[] bytes = java.nio.file.Files.readAllBytes(file);
                        if (file.getFileName().toString().endsWith(".safetensors")) {
                            bytes = java.util.Arrays.copyOf(bytes, bytes.length / 2); // a download cut short
                        }
                        builder.withConfigFile("longdoc/models/" + TRUNCATED_WEIGHTS_MODEL + "/" + file.getFileName(), bytes);
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot write the truncated-weights model", e);
            }
            String wrongDims = "longdoc/models/" + WRONG_DIMS_MODEL + "/";
            builder.withConfigFile(wrongDims + "model.json", BROKEN_MODEL_JSON.replace("\"broken\"", "\"" + WRONG_DIMS_MODEL + "\"")
                    .replace("\"dims\":384", "\"dims\":768").getBytes(StandardCharsets.UTF_8))
                .withConfigFileCopiedFrom(wrongDims + "model.onnx", "plugins/longdoc/models/all-minilm-l6-v2/model.onnx")
                .withConfigFileCopiedFrom(wrongDims + "tokenizer.json", "plugins/longdoc/models/all-minilm-l6-v2/tokenizer.json");
            String missing = "longdoc/models/" + MISSING_FILE_MODEL + "/";
            builder.withConfigFile(missing + "model.json", BROKEN_MODEL_JSON.replace("\"broken\"", "\"" + MISSING_FILE_MODEL + "\"")
                    .getBytes(StandardCharsets.UTF_8))
                .withConfigFileCopiedFrom(missing + "tokenizer.json", "plugins/longdoc/models/all-minilm-l6-v2/tokenizer.json");
        }

        /** Bytes that no ONNX parser accepts: a text line, then fixed pseudo-random noise. */
        private static byte[] garbage() {
            byte[] head = "this is not an ONNX model\n".getBytes(StandardCharsets.US_ASCII);
            byte[] bytes = new byte[8192];
            new Random(20251122L).nextBytes(bytes);
            System.arraycopy(head, 0, bytes, 0, head.length);
            return bytes;
        }

        ElasticsearchNode get() {
            if (failure != null) {
                throw failure;
            }
            return node;
        }

        @Override
        public void close() {
            if (node != null) {
                node.stop();
                System.out.println("NODE: " + node.name() + " stopped; logs kept in " + node.keptLogsDir());
            }
        }
    }
}
