package io.longdoc.ingest;

import io.longdoc.document.StoredFields;
import io.longdoc.model.LoadedModel;
import io.longdoc.model.ModelId;
import io.longdoc.model.ModelRegistry;
import io.longdoc.runtime.HiddenStates;
import io.longdoc.summary.AbstractiveSummarizer;
import io.longdoc.summary.AbstractiveSummary;
import io.longdoc.summary.LedSummaryModel;
import io.longdoc.summary.SummaryBudget;
import io.longdoc.summary.SummaryKind;
import io.longdoc.summary.SummaryModels;
import io.longdoc.text.Sectioner;
import io.longdoc.text.TokenizedText;

import org.elasticsearch.ElasticsearchException;
import org.elasticsearch.ingest.AbstractProcessor;
import org.elasticsearch.ingest.ConfigurationUtils;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.ingest.Processor;
import org.elasticsearch.cluster.metadata.ProjectId;
import org.elasticsearch.core.Releasable;
import org.elasticsearch.core.TimeValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The {@code long_doc} ingest processor: encodes the text of {@code field} with a longdoc model and writes the
 * document embedding into {@code target_field}. Inference runs on the plugin's own thread pool, never on a write
 * thread; a full queue rejects the document with a 429, which clients retry. With {@code global_fields} (a title) the
 * model reads those fields first, with global attention, while offsets and counts stay those of the body
 * ({@link GlobalPrefix}).
 */
public final class LongDocProcessor extends AbstractProcessor {

    public static final String TYPE = "long_doc";
    /** Sections are whole sentences of about this many tokens: long enough to carry a point, short enough to place it. */
    static final int SECTION_MIN_TOKENS = 64;
    static final int SECTION_MAX_TOKENS = 128;
    /** Where sections break unless {@code section_breaks} says otherwise. */
    static final Sectioner.Breaks DEFAULT_SECTION_BREAKS = Sectioner.Breaks.HEADINGS;
    /** Centrality against redundancy in the summary's MMR. */
    static final double SUMMARY_LAMBDA = 0.7;
    /**
     * Global tokens are the costly ones (each attends to, and is attended by, every token), and a title needs few:
     * the global fields' tokens together are cut to this, and to half of what the model reads.
     */
    static final int MAX_GLOBAL_TOKENS = 256;

    private final String field;
    private final String targetField;
    private final String modelId;
    private final boolean ignoreMissing;
    private final List<String> globalFields;
    private final TokenLimit tokenLimit;
    private final SectionVectors sections; // null: embedding only
    private final AbstractiveOptions abstractive; // null: the extractive summary only
    private final ModelRegistry registry;
    private final SummaryModels summaryModels;
    private final Supplier<ExecutorService> executor;

    /**
     * {@code "summary": "abstractive"}: the LED model that writes the summary and the budget of one document, past
     * which the extractive summary stays and {@code summary_kind} says so.
     */
    record AbstractiveOptions(String modelId, SummaryBudget budget) {}

    LongDocProcessor(
        String tag,
        String description,
        String field,
        String targetField,
        String modelId,
        boolean ignoreMissing,
        List<String> globalFields,
        TokenLimit tokenLimit,
        SectionVectors sections,
        AbstractiveOptions abstractive,
        ModelRegistry registry,
        SummaryModels summaryModels,
        Supplier<ExecutorService> executor
    ) {
        super(tag, description);
        this.sections = sections;
        this.abstractive = abstractive;
        this.summaryModels = summaryModels;
        this.field = field;
        this.targetField = targetField;
        this.modelId = modelId;
        this.ignoreMissing = ignoreMissing;
        this.globalFields = List.copyOf(globalFields);
        this.tokenLimit = tokenLimit;
        this.registry = registry;
        this.executor = executor;
    }

    @Override
    public boolean isAsync() {
        return true;
    }

    @Override
    public void execute(IngestDocument document, BiConsumer<IngestDocument, Exception> handler) {
        final String text;
        final List<String> globalTexts;
        try {
            text = readText(document);
            globalTexts = text == null ? List.of() : readGlobalTexts(document);
        } catch (Exception e) {
            handler.accept(null, e);
            return;
        }
        if (text == null) { // missing and ignore_missing
            handler.accept(document, null);
            return;
        }
        try {
            executor.get().execute(() -> {
                try {
                    encodeInto(document, text, globalTexts);
                } catch (Exception e) {
                    handler.accept(null, e);
                    return;
                } catch (LinkageError | AssertionError e) {
                    // A broken native library must fail the document, not the node (Elasticsearch exits on Errors).
                    handler.accept(null, new ElasticsearchException("model [" + modelId + "] failed: " + e, e));
                    return;
                }
                handler.accept(document, null);
            });
        } catch (Exception e) { // EsRejectedExecutionException: 429, retryable
            handler.accept(null, e);
        }
    }

    /** The text to encode; null when the field is missing and that is allowed. */
    private String readText(IngestDocument document) {
        if (document.hasField(field, true) == false) {
            if (ignoreMissing) {
                return null;
            }
            throw new IllegalArgumentException("field [" + field + "] not present as part of path [" + field + "]");
        }
        Object value = document.getFieldValue(field, Object.class, true);
        if (value == null) {
            if (ignoreMissing) {
                return null;
            }
            throw new IllegalArgumentException("field [" + field + "] is null, cannot embed it");
        }
        if (value instanceof String text) {
            if (text.isBlank()) {
                throw new IllegalArgumentException("field [" + field + "] is empty or only whitespace, there is nothing to embed");
            }
            return text;
        }
        throw new IllegalArgumentException(
            "field [" + field + "] must be a string (one text per document), got a [" + describeType(value) + "]"
        );
    }

    /**
     * The texts of the global fields, in the order configured; a missing, null or blank field is skipped (a document
     * without a title is still a document), any other non-string fails the document.
     */
    private List<String> readGlobalTexts(IngestDocument document) {
        List<String> texts = new ArrayList<>(globalFields.size());
        for (String globalField : globalFields) {
            Object value = document.hasField(globalField, true) ? document.getFieldValue(globalField, Object.class, true) : null;
            if (value == null) {
                continue;
            }
            if (value instanceof String text) {
                if (text.isBlank() == false) {
                    texts.add(text);
                }
                continue;
            }
            throw new IllegalArgumentException(
                "field [" + globalField + "] of [global_fields] must be a string, got a [" + describeType(value) + "]"
            );
        }
        return texts;
    }

    private void encodeInto(IngestDocument document, String text, List<String> globalTexts) throws Exception {
        LoadedModel model = registry.load(modelId);
        TokenizedText tokens = model.tokenize(text);
        int maxTokens = model.spec().maxTokens();
        GlobalPrefix prefix = GlobalPrefix.of(globalTexts.stream().map(model::tokenize).toList(), Math.min(MAX_GLOBAL_TOKENS, maxTokens / 2));
        int bodyTokens = maxTokens - prefix.length();
        if (prefix.cut() && tokenLimit == TokenLimit.ERROR) {
            throw new IllegalArgumentException(
                "fields " + globalFields + " of [global_fields] have more than the " + Math.min(MAX_GLOBAL_TOKENS, maxTokens / 2)
                    + " tokens they may take and [max_tokens] is [error]"
            );
        }
        boolean truncated = tokens.length() > bodyTokens || prefix.cut();
        if (tokens.length() > bodyTokens && tokenLimit == TokenLimit.ERROR) {
            throw new IllegalArgumentException(
                "field [" + field + "] has " + tokens.length() + " tokens but model [" + modelId + "] reads at most " + maxTokens
                    + (prefix.isEmpty() ? "" : " (" + prefix.length() + " of them go to [global_fields])") + " and [max_tokens] is [error]"
            );
        }
        TokenizedText encoded = tokens.truncate(bodyTokens);
        LoadedModel.Encoding encoding = prefix.isEmpty()
            ? model.encode(encoded)
            : model.encode(prefix.ids(encoded), prefix.globalMask(encoded));
        document.setFieldValue(StoredFields.under(targetField, StoredFields.EMBEDDING), asList(encoding.embedding()));
        if (sections != null) {
            HiddenStates bodyRows = prefix.bodyRows(encoding.hidden());
            for (Map.Entry<String, Object> field : sections.fields(text, encoded, bodyRows).entrySet()) {
                document.setFieldValue(StoredFields.under(targetField, field.getKey()), field.getValue());
            }
            if (abstractive != null) {
                writeAbstractiveSummary(document, text, globalTexts, model);
            } else if (document.hasField(StoredFields.under(targetField, StoredFields.SUMMARY))) {
                document.setFieldValue(StoredFields.under(targetField, StoredFields.SUMMARY_KIND), SummaryKind.EXTRACTIVE.fieldValue());
            }
        }
        document.setFieldValue(StoredFields.under(targetField, StoredFields.TOKENS), tokens.textTokens());
        document.setFieldValue(StoredFields.under(targetField, StoredFields.TRUNCATED), truncated);
        document.setFieldValue(StoredFields.under(targetField, StoredFields.MODEL), modelId);
    }

    /**
     * Replaces the extractive summary by the LED model's, its embedding by the embedding model's vector of the new
     * text; past the budget the extractive summary stays. Either way {@code summary_kind} says which it is. The LED
     * reads the global fields as the embedding model does ({@link GlobalPrefix}: {@code <s> title </s> body… </s>},
     * global attention on {@code <s>} and the title's tokens); without them only {@code <s>} is global.
     */
    private void writeAbstractiveSummary(IngestDocument document, String text, List<String> globalTexts, LoadedModel model) throws Exception {
        LedSummaryModel led = summaryModels.load(abstractive.modelId());
        AbstractiveSummarizer summarizer = led.summarizer(led.generation(), System::nanoTime);
        TokenizedText body = summarizer.tokenizeText(text);
        GlobalPrefix prefix = GlobalPrefix.of(globalTexts.stream().map(summarizer::tokenizeText).toList(), MAX_GLOBAL_TOKENS);
        long[] ids = prefix.isEmpty() ? body.ids() : prefix.ids(body);
        int reserved = Math.min(ids.length, abstractive.budget().maxInputTokens());
        AbstractiveSummary summary;
        Releasable memory;
        try {
            memory = summaryModels.reserve(led, reserved, led.generation(), "an abstractive summary of " + reserved + " tokens by model [" + abstractive.modelId() + "]");
        } catch (IllegalArgumentException neverFits) {
            // more than the node's whole budget: like a document past the token budget (a full budget now is a 429)
            summaryModels.stats(abstractive.modelId()).record(AbstractiveSummary.fallback(neverFits.getMessage()), ids.length, 0);
            document.setFieldValue(StoredFields.under(targetField, StoredFields.SUMMARY_KIND), SummaryKind.EXTRACTIVE_FALLBACK.fieldValue());
            return;
        }
        long start = System.nanoTime();
        try (memory) {
            summary = prefix.isEmpty() ? summarizer.summarize(ids, abstractive.budget()) : summarizer.summarize(ids, prefix.globalMask(body), abstractive.budget());
        }
        summaryModels.stats(abstractive.modelId()).record(summary, ids.length, System.nanoTime() - start);
        if (summary.kind() == SummaryKind.ABSTRACTIVE) {
            document.setFieldValue(StoredFields.under(targetField, StoredFields.SUMMARY), summary.text());
            TokenizedText summaryTokens = model.tokenize(summary.text()).truncate(model.spec().maxTokens());
            document.setFieldValue(StoredFields.under(targetField, StoredFields.SUMMARY_EMBEDDING), asList(model.encode(summaryTokens).embedding()));
        }
        document.setFieldValue(StoredFields.under(targetField, StoredFields.SUMMARY_KIND), summary.kind().fieldValue());
    }

    /** Ingest documents hold only JSON-like values (lists, not arrays), so that _simulate and copies work. */
    static List<Float> asList(float[] vector) {
        List<Float> list = new ArrayList<>(vector.length);
        for (float v : vector) {
            list.add(v);
        }
        return list;
    }

    private static String describeType(Object value) {
        if (value instanceof Number) {
            return "number";
        } else if (value instanceof Boolean) {
            return "boolean";
        } else if (value instanceof Map) {
            return "object";
        } else if (value instanceof List) {
            return "array";
        }
        return value.getClass().getSimpleName();
    }

    @Override
    public String getType() {
        return TYPE;
    }

    String field() {
        return field;
    }

    String targetField() {
        return targetField;
    }

    String modelId() {
        return modelId;
    }

    boolean ignoreMissing() {
        return ignoreMissing;
    }

    List<String> globalFields() {
        return globalFields;
    }

    TokenLimit tokenLimit() {
        return tokenLimit;
    }

    /** Where sections break; null without sections. */
    Sectioner.Breaks sectionBreaks() {
        return sections == null ? null : sections.breaks();
    }

    /** Reads the processor's options; an unknown or invalid model fails the pipeline when it is created. */
    public static final class Factory implements Processor.Factory {

        private final ModelRegistry registry;
        private final SummaryModels summaryModels;
        private final Supplier<ExecutorService> executor;

        public Factory(ModelRegistry registry, Supplier<ExecutorService> executor) {
            this(registry, null, executor);
        }

        /** @param summaryModels the LED models for {@code "summary": "abstractive"} (null: not available) */
        public Factory(ModelRegistry registry, SummaryModels summaryModels, Supplier<ExecutorService> executor) {
            this.registry = registry;
            this.summaryModels = summaryModels;
            this.executor = executor;
        }

        @Override
        public LongDocProcessor create(
            Map<String, Processor.Factory> factories,
            String tag,
            String description,
            Map<String, Object> config,
            ProjectId projectId
        ) {
            String field = ConfigurationUtils.readStringProperty(TYPE, tag, config, "field");
            String targetField = ConfigurationUtils.readStringProperty(TYPE, tag, config, "target_field", StoredFields.DEFAULT_TARGET);
            String modelId = ConfigurationUtils.readStringProperty(TYPE, tag, config, "model_id", registry.defaultModelId());
            boolean ignoreMissing = ConfigurationUtils.readBooleanProperty(TYPE, tag, config, "ignore_missing", false);
            List<String> globalFields = readGlobalFields(tag, config, field);
            String maxTokens = ConfigurationUtils.readStringProperty(TYPE, tag, config, "max_tokens", TokenLimit.TRUNCATE.toString());
            TokenLimit tokenLimit;
            try {
                tokenLimit = TokenLimit.parse(maxTokens);
            } catch (IllegalArgumentException e) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "max_tokens", e.getMessage());
            }
            boolean withSections = ConfigurationUtils.readBooleanProperty(TYPE, tag, config, "sections", false);
            int summarySections = ConfigurationUtils.readIntProperty(TYPE, tag, config, "summary_sections", 3);
            if (summarySections < 1) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "summary_sections", "must be at least 1, got [" + summarySections + "]");
            }
            Sectioner.Breaks breaks = readSectionBreaks(tag, config, withSections);
            SectionVectors sections = withSections
                ? new SectionVectors(new Sectioner(SECTION_MIN_TOKENS, SECTION_MAX_TOKENS, breaks), new ExtractiveSummary(summarySections, SUMMARY_LAMBDA))
                : null;
            AbstractiveOptions abstractive = readAbstractive(tag, config, withSections);
            try {
                ModelId.validate(modelId);
                registry.spec(modelId); // exists and has a valid spec; loading waits for the first document
            } catch (ElasticsearchException | IllegalArgumentException e) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "model_id", e.getMessage());
            }
            return new LongDocProcessor(
                tag, description, field, targetField, modelId, ignoreMissing, globalFields, tokenLimit, sections, abstractive, registry, summaryModels, executor
            );
        }

        /**
         * {@code section_breaks}: {@code sentences} (the default: the sentence stream alone, as before) or
         * {@code headings} (sections follow the document's headings and paragraphs); only read with sections.
         */
        private static Sectioner.Breaks readSectionBreaks(String tag, Map<String, Object> config, boolean withSections) {
            String value = ConfigurationUtils.readOptionalStringProperty(TYPE, tag, config, "section_breaks");
            if (value == null) {
                return DEFAULT_SECTION_BREAKS;
            }
            if (withSections == false) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "section_breaks", "is only read with [sections] true");
            }
            try {
                return Sectioner.Breaks.parse(value);
            } catch (IllegalArgumentException e) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "section_breaks", e.getMessage());
            }
        }

        /**
         * {@code summary} ("extractive", the default, or "abstractive"), and for "abstractive" {@code summary_model}
         * (an LED folder under config/longdoc/models), {@code summary_max_tokens} and {@code summary_timeout}. The
         * abstractive summary needs {@code sections}: its fallback is the extractive summary they give.
         */
        private AbstractiveOptions readAbstractive(String tag, Map<String, Object> config, boolean withSections) {
            String summary = ConfigurationUtils.readStringProperty(TYPE, tag, config, "summary", "extractive");
            String summaryModel = ConfigurationUtils.readOptionalStringProperty(TYPE, tag, config, "summary_model");
            int maxTokens = ConfigurationUtils.readIntProperty(TYPE, tag, config, "summary_max_tokens", 16384);
            String timeout = ConfigurationUtils.readStringProperty(TYPE, tag, config, "summary_timeout", "60s");
            if (summary.equals("extractive")) {
                if (summaryModel != null) {
                    throw ConfigurationUtils.newConfigurationException(TYPE, tag, "summary_model", "is only read with [summary] [abstractive]");
                }
                return null;
            }
            if (summary.equals("abstractive") == false) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "summary", "must be [extractive] or [abstractive], got [" + summary + "]");
            }
            if (withSections == false) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "summary", "[abstractive] needs [sections] true: its fallback is the extractive summary");
            }
            if (summaryModel == null) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "summary_model", "is required with [summary] [abstractive]");
            }
            if (summaryModels == null) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "summary", "abstractive summaries are not available on this node");
            }
            if (maxTokens < 2) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "summary_max_tokens", "must be at least 2, got [" + maxTokens + "]");
            }
            TimeValue time;
            SummaryBudget budget;
            try {
                time = TimeValue.parseTimeValue(timeout, "summary_timeout");
                budget = new SummaryBudget(maxTokens, Duration.ofNanos(time.nanos()));
            } catch (IllegalArgumentException e) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "summary_timeout", e.getMessage());
            }
            try {
                summaryModels.check(summaryModel);
            } catch (ElasticsearchException | IllegalArgumentException e) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "summary_model", e.getMessage());
            }
            return new AbstractiveOptions(summaryModel, budget);
        }

        /** Field names, none of them blank or the body's own field (whose text would then be read twice). */
        private static List<String> readGlobalFields(String tag, Map<String, Object> config, String field) {
            List<Object> names = ConfigurationUtils.readOptionalList(TYPE, tag, config, "global_fields");
            if (names == null) {
                return List.of();
            }
            List<String> globalFields = new ArrayList<>(names.size());
            for (Object name : names) {
                if (name instanceof String s && s.isBlank() == false) {
                    if (s.equals(field)) {
                        throw ConfigurationUtils.newConfigurationException(TYPE, tag, "global_fields", "must not name the [field] itself [" + s + "]");
                    }
                    globalFields.add(s);
                } else {
                    throw ConfigurationUtils.newConfigurationException(TYPE, tag, "global_fields", "must be a list of field names, got [" + name + "]");
                }
            }
            return globalFields;
        }
    }
}
