package io.longdoc.action;

import io.longdoc.graph.importer.LedConfig;
import io.longdoc.model.AttentionKernel;
import io.longdoc.model.AutoInt8;
import io.longdoc.model.ModelCatalog;
import io.longdoc.model.ModelPlacement;
import io.longdoc.model.ModelRegistry;
import io.longdoc.model.ModelStats;
import io.longdoc.runtime.RuntimeStatus;
import io.longdoc.search.QaStats;
import io.longdoc.summary.SummaryModels;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.TransportAction;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.xcontent.ToXContent;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Lists the models this node can run ({@code GET _longdoc/models[/<id>]}). It is an action, not just a REST handler,
 * so that security authorises it: the name falls under the {@code monitor} cluster privilege.
 */
public final class GetModelsAction {

    public static final String NAME = "cluster:monitor/longdoc/models/get";
    public static final ActionType<Response> TYPE = new ActionType<>(NAME);

    private GetModelsAction() {}

    /** All models, or the one named (404 when unknown, 400 when its id or spec is invalid). Runs on the receiving node. */
    public static final class Request extends ActionRequest {
        private final String modelId;

        public Request(String modelId) {
            this.modelId = modelId;
        }

        public String modelId() {
            return modelId;
        }

        @Override
        public ActionRequestValidationException validate() {
            return null;
        }

        @Override
        public void writeTo(StreamOutput out) {
            TransportAction.localOnly();
        }
    }

    /**
     * One model as the node sees it at the time of the request: its load state (with the reason of a failed load),
     * kernel and placement once it is loaded, and its stats. {@code summary} is set for an LED summary model (whose
     * kernel and stats it holds) and null for embedding models; {@code autoInt8} says what a
     * {@code compile.quantize: auto} spec lists as its precision here (embedding models only).
     */
    public record ModelView(
        ModelCatalog.Entry entry,
        ModelRegistry.LoadStatus status,
        Optional<AttentionKernel> kernel,
        Optional<ModelPlacement> placement,
        ModelStats stats,
        SummaryModels.View summary,
        AutoInt8 autoInt8
    ) {
        /** The view of one embedding model of the registry now. */
        public static ModelView of(ModelCatalog.Entry entry, ModelRegistry registry) {
            String id = entry.id();
            return new ModelView(entry, registry.loadStatus(id), registry.attentionKernel(id), registry.placement(id), registry.stats(id), null, registry.autoInt8());
        }

        /** The view of one LED summary model now: its load state as {@link SummaryModels} tracks it, config, kernel, stats. */
        public static ModelView summary(ModelCatalog.Entry entry, SummaryModels.View summary) {
            return new ModelView(entry, summary.status(), summary.kernel(), Optional.empty(), null, summary, null);
        }

        public boolean loaded() {
            return kernel.isPresent();
        }
    }

    /** Locations are reported as {@code plugin} or {@code config}, never as filesystem paths. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final String defaultModel;
        private final RuntimeStatus runtime;
        private final List<ModelView> models;
        private final QaStats qa;

        public Response(String defaultModel, RuntimeStatus runtime, List<ModelView> models, QaStats qa) {
            this.defaultModel = defaultModel;
            this.runtime = runtime;
            this.models = List.copyOf(models);
            this.qa = qa;
        }

        public List<ModelView> models() {
            return models;
        }

        @Override
        public void writeTo(StreamOutput out) {
            TransportAction.localOnly();
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject();
            builder.field("default_model", defaultModel);
            builder.field("runtime", runtime);
            builder.startArray("models");
            for (ModelView model : models) {
                writeModel(builder, model);
            }
            builder.endArray();
            builder.field("long_doc_qa", qa); // this node's counters: candidates its shards read, answers placed from a query phase's read
            return builder.endObject();
        }

        private static void writeModel(XContentBuilder builder, ModelView model) throws IOException {
            ModelCatalog.Entry entry = model.entry();
            builder.startObject();
            builder.field("id", entry.id());
            builder.field("location", entry.location().toString());
            if (model.summary() != null) {
                writeSummaryModel(builder, model);
                return;
            }
            builder.field("type", "embedding");
            if (entry.spec() != null) {
                builder.field("architecture", entry.spec().architecture());
                builder.field("dims", entry.spec().dims());
                builder.field("pooling", entry.spec().pooling().toString());
                builder.field("normalize", entry.spec().normalize());
                builder.field("max_tokens", entry.spec().maxTokens());
                builder.field("precision", entry.spec().precision(model.autoInt8()));
                if (entry.spec().precisionReason(model.autoInt8()) != null) {
                    builder.field("precision_reason", entry.spec().precisionReason(model.autoInt8()));
                }
                if (entry.spec().description() != null) {
                    builder.field("description", entry.spec().description());
                }
            } else {
                builder.field("error", entry.error());
            }
            writeLoadState(builder, model);
            if (model.kernel().isPresent()) {
                builder.field("attention");
                model.kernel().get().toXContent(builder, ToXContent.EMPTY_PARAMS);
            }
            if (model.placement().isPresent()) {
                builder.field("placement");
                model.placement().get().toXContent(builder, ToXContent.EMPTY_PARAMS);
            }
            builder.field("stats");
            model.stats().toXContent(builder, ToXContent.EMPTY_PARAMS);
            builder.endObject();
        }

        private static void writeLoadState(XContentBuilder builder, ModelView model) throws IOException {
            builder.field("loaded", model.loaded());
            builder.field("state", model.status().state().toString());
            if (model.status().failureReason() != null) {
                builder.field("failure_reason", model.status().failureReason());
            }
        }

        /** An LED checkpoint: what config.json says of its size, then as an embedding model: loaded, attention, stats. */
        private static void writeSummaryModel(XContentBuilder builder, ModelView model) throws IOException {
            SummaryModels.View summary = model.summary();
            builder.field("type", "summary");
            LedConfig config = summary.config();
            if (config != null) {
                builder.field("architecture", "led");
                builder.field("d_model", config.dModel());
                builder.field("encoder_layers", config.encoderLayers());
                builder.field("decoder_layers", config.decoderLayers());
                builder.field("attention_window", config.attentionWindow());
                builder.field("max_tokens", config.maxEncoderPositions());
                builder.field("max_summary_tokens", config.maxDecoderPositions());
                builder.field("vocab_size", config.vocabSize());
            } else {
                builder.field("error", summary.error());
            }
            writeLoadState(builder, model);
            if (model.kernel().isPresent()) {
                builder.field("attention");
                model.kernel().get().toXContent(builder, ToXContent.EMPTY_PARAMS);
            }
            builder.field("stats");
            summary.stats().toXContent(builder, ToXContent.EMPTY_PARAMS);
            builder.endObject();
        }
    }
}
