package io.longdoc.model;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.ResourceNotFoundException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The model folders a node can load: the ones bundled in the plugin directory and the operators' own under
 * {@code config/longdoc/models/}. A bundled id wins over an operator folder of the same name, so an installed plugin
 * always has its defaults. Specs are read when asked for, so an operator's new folder shows without a restart.
 */
public final class ModelCatalog {

    private static final Logger logger = LogManager.getLogger(ModelCatalog.class);

    /** Where a model folder lives; shown to users instead of a filesystem path. */
    public enum Location {
        PLUGIN,
        CONFIG;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A model folder: its spec, or why its spec could not be read. An LED checkpoint (no spec, config.json with
     * model_type led) is a summary model, managed by {@code SummaryModels}; as an embedding model it is an error.
     */
    public record Entry(String id, Location location, Path folder, ModelSpec spec, String error, boolean summaryModel) {
        Entry(String id, Location location, Path folder, ModelSpec spec, String error) {
            this(id, location, folder, spec, error, false);
        }
    }

    private final Path bundledModels;
    private final Path operatorModels;

    public ModelCatalog(Path bundledModels, Path operatorModels) {
        this.bundledModels = bundledModels;
        this.operatorModels = operatorModels;
    }

    /** All model folders, sorted by id. */
    public List<Entry> list() {
        Map<String, Entry> byId = new TreeMap<>();
        scan(operatorModels, Location.CONFIG, byId);
        scan(bundledModels, Location.PLUGIN, byId);
        return new ArrayList<>(byId.values());
    }

    /** Whether {@code id} names an LED summary model folder (false for an unknown or invalid id). */
    public boolean isSummaryModel(String id) {
        try {
            ModelId.validate(id);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return find(bundledModels, Location.PLUGIN, id).or(() -> find(operatorModels, Location.CONFIG, id)).map(Entry::summaryModel).orElse(false);
    }

    /** The folder of a model with a valid spec; 404 for an unknown id, 400 for an invalid id or an unreadable spec. */
    public Entry entry(String id) {
        ModelId.validate(id);
        Optional<Entry> entry = find(bundledModels, Location.PLUGIN, id).or(() -> find(operatorModels, Location.CONFIG, id));
        if (entry.isEmpty()) {
            throw new ResourceNotFoundException("unknown model [" + id + "]; available models: " + list().stream().map(Entry::id).toList());
        }
        if (entry.get().error() != null) {
            throw new IllegalArgumentException("model [" + id + "] has an invalid " + ModelSpec.FILE_NAME + ": " + entry.get().error());
        }
        return entry.get();
    }

    private static Optional<Entry> find(Path root, Location location, String id) {
        Path folder = root.resolve(id);
        // The id is validated, but check containment anyway: a path must never escape the models folder.
        if (folder.normalize().startsWith(root.normalize()) == false || Files.isDirectory(folder) == false) {
            return Optional.empty();
        }
        return Optional.of(read(folder, location));
    }

    private static void scan(Path root, Location location, Map<String, Entry> into) {
        if (Files.isDirectory(root) == false) {
            return;
        }
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path folder : folders) {
                String name = folder.getFileName().toString();
                try {
                    ModelId.validate(name);
                } catch (IllegalArgumentException e) {
                    logger.warn("ignoring model folder [{}] in the {} models: {}", name, location, e.getMessage());
                    continue;
                }
                into.put(name, read(folder, location));
            }
        } catch (IOException e) {
            logger.warn("cannot list the {} models", location, e);
        }
    }

    /** A Hugging Face LED folder (config.json with model_type led), which the summary models use instead of a spec. */
    private static boolean isLedCheckpoint(Path folder) {
        try (InputStream in = Files.newInputStream(folder.resolve("config.json"))) {
            Object type = org.elasticsearch.common.xcontent.XContentHelper.convertToMap(org.elasticsearch.xcontent.XContentType.JSON.xContent(), in, false)
                .get("model_type");
            return "led".equals(type);
        } catch (Exception e) {
            return false;
        }
    }

    private static Entry read(Path folder, Location location) {
        String id = folder.getFileName().toString();
        Path specFile = folder.resolve(ModelSpec.FILE_NAME);
        try (InputStream in = Files.newInputStream(specFile)) {
            return new Entry(id, location, folder, ModelSpec.parse(in, id), null);
        } catch (java.nio.file.NoSuchFileException e) {
            if (isLedCheckpoint(folder)) {
                return new Entry(id, location, folder, null, "an LED summary model: name it in [summary_model] of long_doc, not as an embedding model", true);
            }
            return new Entry(id, location, folder, null, "no " + ModelSpec.FILE_NAME + " in the model folder");
        } catch (Exception e) {
            return new Entry(id, location, folder, null, e.getMessage());
        }
    }
}
