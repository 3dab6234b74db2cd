package io.longdoc.graph.importer;

import io.longdoc.graph.FloatTensor;

import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tensors of a Hugging Face checkpoint folder: {@code model.safetensors}, or the shards named by
 * {@code model.safetensors.index.json}. Pickled {@code pytorch_model.bin} files are never read (they can run code).
 */
final class CheckpointTensors implements AutoCloseable {

    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";

    private final List<SafetensorsReader> shards;
    private final Map<String, SafetensorsReader> byName;

    private CheckpointTensors(List<SafetensorsReader> shards, Map<String, SafetensorsReader> byName) {
        this.shards = shards;
        this.byName = byName;
    }

    static CheckpointTensors open(Path folder) throws IOException {
        Path single = folder.resolve(SINGLE);
        if (Files.isRegularFile(single)) {
            SafetensorsReader reader = SafetensorsReader.open(single);
            Map<String, SafetensorsReader> byName = new TreeMap<>();
            reader.names().forEach(name -> byName.put(name, reader));
            return new CheckpointTensors(List.of(reader), byName);
        }
        Path index = folder.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            return openShards(folder, index);
        }
        String hint = Files.exists(folder.resolve("pytorch_model.bin"))
            ? "; it has pytorch_model.bin, which is not read: convert it to safetensors"
            : "";
        throw new IOException("[" + folder.getFileName() + "] has neither " + SINGLE + " nor " + INDEX + hint);
    }

    /**
     * The files that hold the weights of a folder {@link #open} reads: {@code model.safetensors}, or the index and
     * its shards (each once, sorted).
     */
    static List<Path> files(Path folder) throws IOException {
        Path single = folder.resolve(SINGLE);
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        Path index = folder.resolve(INDEX);
        List<Path> files = new ArrayList<>();
        files.add(index);
        weightMap(index).values().stream().distinct().sorted().forEach(file -> files.add(folder.resolve(file)));
        return files;
    }

    /** The index's tensor → shard file map, every file a plain name in the folder. */
    private static Map<String, String> weightMap(Path index) throws IOException {
        Map<String, Object> json;
        try (InputStream in = Files.newInputStream(index)) {
            json = XContentHelper.convertToMap(XContentType.JSON.xContent(), in, false);
        } catch (RuntimeException e) {
            throw new IOException("[" + INDEX + "] is not valid JSON: " + e.getMessage(), e);
        }
        if (json.get("weight_map") instanceof Map<?, ?> weightMap) {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : weightMap.entrySet()) {
                String file = String.valueOf(entry.getValue());
                if (file.contains("/") || file.contains("\\") || file.startsWith(".")) {
                    throw new IOException("[" + INDEX + "] names shard [" + file + "]; shards must be plain file names in the folder");
                }
                out.put(String.valueOf(entry.getKey()), file);
            }
            return out;
        }
        throw new IOException("[" + INDEX + "] has no [weight_map] object");
    }

    private static CheckpointTensors openShards(Path folder, Path index) throws IOException {
        Map<String, String> weightMap = weightMap(index);
        Map<String, SafetensorsReader> files = new LinkedHashMap<>();
        Map<String, SafetensorsReader> byName = new TreeMap<>();
        List<SafetensorsReader> shards = new ArrayList<>();
        try {
            for (Map.Entry<String, String> entry : weightMap.entrySet()) {
                String file = entry.getValue();
                SafetensorsReader shard = files.get(file);
                if (shard == null) {
                    shard = SafetensorsReader.open(folder.resolve(file));
                    files.put(file, shard);
                    shards.add(shard);
                }
                String tensor = entry.getKey();
                if (shard.contains(tensor) == false) {
                    throw new IOException("[" + INDEX + "] puts tensor [" + tensor + "] in [" + file + "], which does not hold it");
                }
                byName.put(tensor, shard);
            }
        } catch (IOException | RuntimeException e) {
            for (SafetensorsReader shard : shards) {
                shard.close();
            }
            throw e;
        }
        return new CheckpointTensors(shards, byName);
    }

    Set<String> names() {
        return Collections.unmodifiableSet(byName.keySet());
    }

    boolean contains(String name) {
        return byName.containsKey(name);
    }

    FloatTensor read(String name) throws IOException {
        SafetensorsReader shard = byName.get(name);
        if (shard == null) {
            throw new IllegalArgumentException("the checkpoint has no tensor [" + name + "]");
        }
        return shard.read(name);
    }

    String describe() {
        return shards.size() == 1 ? shards.get(0).file().getFileName().toString() : shards.size() + " safetensors shards";
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (SafetensorsReader shard : shards) {
            try {
                shard.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
