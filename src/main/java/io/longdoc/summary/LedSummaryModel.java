package io.longdoc.summary;

import ai.onnxruntime.OrtException;

import io.longdoc.graph.GraphOptions;
import io.longdoc.graph.importer.LedCheckpointImporter;
import io.longdoc.graph.importer.LedCheckpointImporter.ImportedLed;
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
 * An installed LED checkpoint folder, ready to summarize: config.json + model.safetensors imported and compiled,
 * tokenizer.json loaded, generation defaults from generation_config.json (or config.json). Every problem with the
 * folder is an {@link IOException} or {@link IllegalArgumentException} naming the file and what is wrong, for the
 * caller to answer with a 400.
 */
public final class LedSummaryModel implements AutoCloseable {

    public static final String TOKENIZER = "tokenizer.json";

    private final ImportedLed led;
    private final LedModel model;
    private final Tokenizer tokenizer;
    private final GenerationConfig generation;

    private LedSummaryModel(ImportedLed led, LedModel model, Tokenizer tokenizer, GenerationConfig generation) {
        this.led = led;
        this.model = model;
        this.tokenizer = tokenizer;
        this.generation = generation;
    }

    public static LedSummaryModel load(Path folder, GraphOptions encoderOptions, LedModel.SessionFactory sessions) throws IOException, OrtException {
        Path tokenizerFile = folder.resolve(TOKENIZER);
        if (Files.isRegularFile(tokenizerFile) == false) {
            throw new IOException("[" + folder.getFileName() + "] has no " + TOKENIZER);
        }
        ImportedLed led = LedCheckpointImporter.importFolder(folder);
        checkVocabulary(tokenizerFile, led.config().vocabSize());
        GenerationConfig generation = GenerationConfig.parse(GenerationConfig.readOptions(folder), led.config());
        Tokenizer tokenizer = Tokenizer.load(tokenizerFile);
        try {
            return new LedSummaryModel(led, LedModel.compile(led, encoderOptions, sessions), tokenizer, generation);
        } catch (OrtException | RuntimeException e) {
            tokenizer.close();
            throw e;
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

    public ImportedLed imported() {
        return led;
    }

    public GenerationConfig generation() {
        return generation;
    }

    public AbstractiveSummarizer summarizer(GenerationConfig options, LongSupplier nanoClock) {
        return new AbstractiveSummarizer(model, tokenizer, options, led.config().maxEncoderPositions(), nanoClock);
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
