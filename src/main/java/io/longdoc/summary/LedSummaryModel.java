package io.longdoc.summary;

import ai.onnxruntime.OrtException;

import io.longdoc.graph.DecoderConfig;
import io.longdoc.graph.GraphOptions;
import io.longdoc.graph.importer.LedCheckpointImporter;
import io.longdoc.graph.importer.LedCheckpointImporter.ImportedLed;
import io.longdoc.graph.importer.LedConfig;
import io.longdoc.text.Tokenizer;

import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * An installed LED checkpoint folder, ready to summarize: config.json + model.safetensors compiled (or their graphs
 * found in a cache, then the weights are not read), tokenizer.json loaded, generation defaults from
 * generation_config.json (or config.json). Every problem with the folder is an {@link IOException} or
 * {@link IllegalArgumentException} naming the file and what is wrong, for the caller to answer with a 400.
 */
public final class LedSummaryModel implements AutoCloseable {

    public static final String TOKENIZER = "tokenizer.json";

    private final LedConfig config;
    private final DecoderConfig decoderConfig;
    private final LedModel model;
    private final Tokenizer tokenizer;
    private final GenerationConfig generation;

    private LedSummaryModel(LedConfig config, LedModel model, Tokenizer tokenizer, GenerationConfig generation) {
        this.config = config;
        this.decoderConfig = LedCheckpointImporter.decoderConfig(config);
        this.model = model;
        this.tokenizer = tokenizer;
        this.generation = generation;
    }

    /** Loads the folder compiling every graph, with no cache. */
    public static LedSummaryModel load(Path folder, GraphOptions encoderOptions, LedModel.SessionFactory sessions) throws IOException, OrtException {
        return load(folder, encoderOptions, (LedModel.GraphSessions) (part, graph, ops) -> sessions.open(graph.compile(), ops));
    }

    public static LedSummaryModel load(Path folder, GraphOptions encoderOptions, LedModel.GraphSessions sessions) throws IOException, OrtException {
        Path tokenizerFile = folder.resolve(TOKENIZER);
        if (Files.isRegularFile(tokenizerFile) == false) {
            throw new IOException("[" + folder.getFileName() + "] has no " + TOKENIZER);
        }
        LedConfig config = LedConfig.read(folder);
        checkVocabulary(tokenizerFile, config.vocabSize());
        GenerationConfig generation = GenerationConfig.parse(GenerationConfig.readOptions(folder), config);
        Tokenizer tokenizer = Tokenizer.load(tokenizerFile);
        try {
            LedModel model = LedModel.open(LedCheckpointImporter.decoderConfig(config), new OnceImported(folder), encoderOptions, sessions);
            return new LedSummaryModel(config, model, tokenizer, generation);
        } catch (OrtException | IOException | RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** The checkpoint imported on the first graph that needs compiling, then shared by the others of this load. */
    private static final class OnceImported implements LedModel.Weights {
        private final Path folder;
        private ImportedLed led;

        OnceImported(Path folder) {
            this.folder = folder;
        }

        @Override
        public ImportedLed get() throws IOException {
            if (led == null) {
                led = LedCheckpointImporter.importFolder(folder);
            }
            return led;
        }
    }

    /** Every id the tokenizer can produce must have a row in the embeddings. */
    static void checkVocabulary(Path tokenizerFile, int vocabSize) throws IOException {
        Map<String, Object> json;
        try (InputStream in = Files.newInputStream(tokenizerFile)) {
            json = XContentHelper.convertToMap(XContentType.JSON.xContent(), in, false);
        } catch (RuntimeException e) {
            throw new IOException("[" + TOKENIZER + "] is not valid JSON: " + e.getMessage(), e);
        }
        int maxId = -1;
        if (json.get("model") instanceof Map<?, ?> model && model.get("vocab") instanceof Map<?, ?> vocab) {
            for (Object id : vocab.values()) {
                maxId = Math.max(maxId, ((Number) id).intValue());
            }
        }
        if (json.get("added_tokens") instanceof List<?> added) {
            for (Object token : added) {
                if (token instanceof Map<?, ?> t && t.get("id") instanceof Number id) {
                    maxId = Math.max(maxId, id.intValue());
                }
            }
        }
        if (maxId < 0) {
            throw new IllegalArgumentException("[" + TOKENIZER + "] has no vocabulary");
        }
        if (maxId >= vocabSize) {
            throw new IllegalArgumentException("[" + TOKENIZER + "] has token id " + maxId + ", but the model's vocab_size is " + vocabSize);
        }
    }

    public LedConfig config() {
        return config;
    }

    public DecoderConfig decoderConfig() {
        return decoderConfig;
    }

    public GenerationConfig generation() {
        return generation;
    }

    public AbstractiveSummarizer summarizer(GenerationConfig options, LongSupplier nanoClock) {
        return new AbstractiveSummarizer(model, tokenizer, options, config.maxEncoderPositions(), nanoClock);
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
