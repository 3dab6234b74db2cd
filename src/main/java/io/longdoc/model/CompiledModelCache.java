package io.longdoc.model;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.common.Strings;
import org.elasticsearch.xcontent.ToXContent;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.json.JsonXContent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Compiled ONNX graphs on disk, one file per model, named by a hash of the spec and the weight files. A changed
 * spec or changed weights give a new name, so they recompile; the old file of that model is removed.
 */
public final class CompiledModelCache {

    private static final Logger logger = LogManager.getLogger(CompiledModelCache.class);

    /** Bump when the graph builder's output changes for the same spec and weights. */
    static final String GRAPH_FORMAT = "longdoc-graph-1";

    /** Produces the serialized ONNX model. */
    @FunctionalInterface
    public interface Compiler {
        byte[] compile() throws IOException;
    }

    private final Path directory;

    public CompiledModelCache(Path directory) {
        this.directory = directory;
    }

    /**
     * The compiled graph of {@code spec} in one {@code variant} (e.g. fused or standard attention), compiling and
     * storing it when no file with its key exists yet.
     */
    public Path getOrCompile(ModelSpec spec, String variant, List<Path> weightFiles, Compiler compiler) throws IOException {
        String key = key(spec, variant, weightFiles);
        Path compiled = directory.resolve(spec.id() + "-" + key + ".onnx");
        if (Files.isRegularFile(compiled)) {
            return compiled;
        }
        Files.createDirectories(directory);
        long start = System.nanoTime();
        byte[] model = compiler.compile();
        // Write beside and move: a node killed mid-write never leaves a truncated graph under the final name.
        Path partial = Files.createTempFile(directory, spec.id() + "-", ".partial");
        try {
            Files.write(partial, model);
            Files.move(partial, compiled, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
        logger.info("compiled model [{}] in {} ms ({} MB)", spec.id(), (System.nanoTime() - start) / 1_000_000, model.length >> 20);
        removeStale(spec.id(), compiled);
        return compiled;
    }

    static String key(ModelSpec spec, String variant, List<Path> weightFiles) throws IOException {
        MessageDigest digest = sha256();
        digest.update(GRAPH_FORMAT.getBytes(StandardCharsets.UTF_8));
        digest.update(variant.getBytes(StandardCharsets.UTF_8));
        XContentBuilder json = JsonXContent.contentBuilder();
        spec.toXContent(json, ToXContent.EMPTY_PARAMS);
        digest.update(Strings.toString(json).getBytes(StandardCharsets.UTF_8));
        for (Path file : weightFiles) {
            digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            digest.update(fileDigest(file));
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 8);
    }

    private static byte[] fileDigest(Path file) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int read; (read = in.read(buffer)) > 0;) {
                digest.update(buffer, 0, read);
            }
        }
        return digest.digest();
    }

    private void removeStale(String modelId, Path keep) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, modelId + "-*.onnx")) {
            for (Path file : files) {
                // the glob also matches longer ids that start with this one ("mini" / "mini-2"): check the exact shape
                boolean sameModel = file.getFileName().toString().matches(java.util.regex.Pattern.quote(modelId) + "-[0-9a-f]{16}\\.onnx");
                if (sameModel && file.equals(keep) == false) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            logger.warn("could not remove stale compiled graphs of model [{}]", modelId, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
