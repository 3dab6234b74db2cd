package io.longdoc;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real model files the build extracted from the langchain4j Maven artifacts (target/model-sources). */
public final class TestModels {

    private TestModels() {}

    public static Path sources() {
        String dir = System.getProperty("tests.model.sources");
        if (dir == null) {
            throw new IllegalStateException("system property [tests.model.sources] is not set; run the tests through Maven");
        }
        return Path.of(dir);
    }

    /** The onnx-ops library Maven built (onnx-ops/target/liblongdoc_ops.so). */
    public static io.longdoc.runtime.OpsLibrary opsLibrary() {
        String file = System.getProperty("tests.longdoc.ops.library");
        if (file == null) {
            throw new IllegalStateException("system property [tests.longdoc.ops.library] is not set; run the tests through Maven");
        }
        return new io.longdoc.runtime.OpsLibrary(existing(Path.of(file)));
    }

    public static Path miniLmOnnx() {
        return existing(sources().resolve("all-minilm-l6-v2/all-minilm-l6-v2.onnx"));
    }

    public static Path miniLmTokenizer() {
        return existing(sources().resolve("all-minilm-l6-v2/all-minilm-l6-v2-tokenizer.json"));
    }

    public static Path bgeOnnx() {
        return existing(sources().resolve("bge-small-en-v1.5/bge-small-en-v1.5.onnx"));
    }

    public static Path bgeTokenizer() {
        return existing(sources().resolve("bge-small-en-v1.5/bge-small-en-v1.5-tokenizer.json"));
    }

    /** A model folder as the registry expects it: model.json + model.onnx + tokenizer.json (symlinked). */
    public static Path miniLmFolder(Path root, String id, String specJson) throws Exception {
        Path folder = Files.createDirectories(root.resolve(id));
        Files.writeString(folder.resolve("model.json"), specJson);
        Files.createSymbolicLink(folder.resolve("model.onnx"), miniLmOnnx());
        Files.createSymbolicLink(folder.resolve("tokenizer.json"), miniLmTokenizer());
        return folder;
    }

    public static String spec(String id, int dims, String pooling) {
        return """
            {"id": "%s", "architecture": "bert", "dims": %d, "pooling": "%s", "normalize": true, "max_tokens": 512,
             "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"}}
            """.formatted(id, dims, pooling);
    }

    /** The bundled default (bge-small-en-v1.5 longified to 16k tokens): its spec from src/main/models, its files symlinked. */
    public static Path defaultModelFolder(Path root) throws Exception {
        String id = "bge-small-en-v1.5";
        Path folder = Files.createDirectories(root.resolve(id));
        Files.copy(Path.of("src/main/models", id, "model.json"), folder.resolve("model.json"));
        Files.createSymbolicLink(folder.resolve("model.onnx"), bgeOnnx());
        Files.createSymbolicLink(folder.resolve("tokenizer.json"), bgeTokenizer());
        return folder;
    }

    private static Path existing(Path path) {
        if (Files.isRegularFile(path) == false) {
            throw new IllegalStateException("missing [" + path + "]: run `mvn generate-resources` first");
        }
        return path;
    }
}
