package io.longdoc.model;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.common.Strings;
import org.elasticsearch.xcontent.ToXContent;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.json.JsonXContent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.StandardOpenOption;
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
 * Compiled ONNX graphs on disk, one file per graph id (a model id, or a model id and a part for models of several
 * graphs), named by a hash of what was compiled (the spec) and the weight files. A changed spec or changed weights
 * give a new name, so they recompile; the old file of that graph id is removed.
 */
public final class CompiledModelCache {

    private static final Logger logger = LogManager.getLogger(CompiledModelCache.class);

    /** Bump when the graph builder's output changes for the same spec and weights. */
    // 2: the FFN activation follows hidden_act (big_bird: gelu_new); 3: bias + residual + LayerNorm as
    // SkipLayerNormalization and the erf GELU as com.microsoft.Gelu (faster graphs: recompile the cached ones)
    static final String GRAPH_FORMAT = "longdoc-graph-3";

    /** Produces the serialized ONNX model. */
    @FunctionalInterface
    public interface Compiler {
        byte[] compile() throws IOException;
    }

    /** Where the cache lives under the node's data path, as shown to users. */
    public static final String CACHE_NAME = "longdoc/compiled";
    static final String PARTIAL = ".partial";

    private final Path directory;

    public CompiledModelCache(Path directory) {
        this.directory = directory;
    }

    /**
     * The compiled graph of {@code spec} in one {@code variant} (e.g. fused or standard attention), compiling and
     * storing it when no file with its key exists yet.
     *
     * <p>Crash safety: the graph is compiled into a {@code .partial} file that exists from the start of the compile,
     * forced to disk and only then renamed to its final name, so a node killed at any point (or a disk that fills)
     * leaves at most a {@code .partial} file, never a truncated graph under the final name; the next compile of the
     * model removes the leftovers. Weight files that change while they are compiled are refused rather than stored
     * under the key of their earlier content.
     */
    public Path getOrCompile(ModelSpec spec, String variant, List<Path> weightFiles, Compiler compiler) throws IOException {
        return getOrCompile(spec.id(), specJson(spec), variant, weightFiles, compiler);
    }

    /**
     * As {@link #getOrCompile(ModelSpec, String, List, Compiler)} for a graph that no {@link ModelSpec} describes:
     * {@code graphId} names its files (a model id, or a model id and a part joined by a character model ids never
     * hold, such as {@code led+encoder}, so that no other model's stale-file cleanup matches them) and
     * {@code description} stands for the spec in the key.
     */
    public Path getOrCompile(String graphId, String description, String variant, List<Path> weightFiles, Compiler compiler) throws IOException {
        String key = key(description, variant, weightFiles);
        Path compiled = directory.resolve(graphId + "-" + key + ".onnx");
        if (Files.isRegularFile(compiled)) {
            return compiled;
        }
        Path partial;
        try {
            Files.createDirectories(directory);
            removeLeftovers(graphId);
            partial = Files.createTempFile(directory, graphId + "-", PARTIAL);
        } catch (IOException e) {
            throw notStored(e);
        }
        try {
            long start = System.nanoTime();
            byte[] model = compiler.compile();
            if (key.equals(key(description, variant, weightFiles)) == false) {
                throw new IOException("the model's weight files changed while it was compiled; load it again once they are complete");
            }
            try {
                writeDurably(partial, model);
                Files.move(partial, compiled, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                syncDirectory();
            } catch (IOException e) {
                throw notStored(e);
            }
            logger.info("compiled model [{}] in {} ms ({} MB)", graphId, (System.nanoTime() - start) / 1_000_000, model.length >> 20);
        } finally {
            Files.deleteIfExists(partial);
        }
        removeStale(graphId, compiled);
        return compiled;
    }

    private static void writeDurably(Path file, byte[] content) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /** Makes the rename durable; best effort, as some filesystems cannot open a directory for sync. */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            logger.debug("could not sync [{}]", directory, e);
        }
    }

    /**
     * A store that failed (a full disk, a read-only data path): said in words without the absolute path, since the
     * message reaches the user; the cause goes to the log.
     */
    private StoreException notStored(IOException e) {
        logger.warn("could not store a compiled graph in [{}]", directory, e);
        String why = e instanceof AccessDeniedException ? "permission denied"
            : e instanceof FileSystemException fs ? (fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName())
            : e.getMessage() != null ? e.getMessage() // e.g. "No space left on device", "File too large": no path in these
            : e.getClass().getSimpleName();
        return new StoreException("the compiled graph could not be stored under the node's data path (" + CACHE_NAME + "): " + why, e);
    }

    /** The node's disk, not the model, is at fault. */
    public static final class StoreException extends IOException {
        StoreException(String message, IOException cause) {
            super(message, cause);
        }
    }

    /** {@code .partial} files of this model left by a node that was killed while compiling. */
    private void removeLeftovers(String modelId) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, modelId + "-*" + PARTIAL)) {
            for (Path file : files) {
                if (file.getFileName().toString().matches(java.util.regex.Pattern.quote(modelId) + "-[0-9]+" + java.util.regex.Pattern.quote(PARTIAL))) {
                    logger.info("removing [{}], left by a compile that did not finish", file.getFileName());
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    static String key(ModelSpec spec, String variant, List<Path> weightFiles) throws IOException {
        return key(specJson(spec), variant, weightFiles);
    }

    private static String specJson(ModelSpec spec) throws IOException {
        XContentBuilder json = JsonXContent.contentBuilder();
        spec.toXContent(json, ToXContent.EMPTY_PARAMS);
        return Strings.toString(json);
    }

    private static String key(String description, String variant, List<Path> weightFiles) throws IOException {
        MessageDigest digest = sha256();
        digest.update(GRAPH_FORMAT.getBytes(StandardCharsets.UTF_8));
        digest.update(variant.getBytes(StandardCharsets.UTF_8));
        digest.update(description.getBytes(StandardCharsets.UTF_8));
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
