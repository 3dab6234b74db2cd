package io.longdoc.rest;

import io.longdoc.model.ModelRegistry;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.ToXContent;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;

import static org.elasticsearch.rest.RestRequest.Method.GET;

/**
 * {@code GET _longdoc/models[/<model_id>]}: the models this node can run, whether each is loaded, and its stats.
 * Locations are reported as {@code plugin} or {@code config}, never as filesystem paths.
 */
public final class RestModelsAction extends BaseRestHandler {

    private final ModelRegistry registry;

    public RestModelsAction(ModelRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String getName() {
        return "longdoc_models";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(GET, "/_longdoc/models"), new Route(GET, "/_longdoc/models/{model_id}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        String modelId = request.param("model_id");
        List<ModelRegistry.Entry> entries;
        if (modelId == null) {
            entries = registry.list();
        } else {
            registry.spec(modelId); // 400 for an invalid id or spec, 404 for an unknown one
            entries = registry.list().stream().filter(e -> e.id().equals(modelId)).toList();
        }
        return channel -> {
            XContentBuilder builder = channel.newBuilder();
            builder.startObject();
            builder.field("default_model", registry.defaultModelId());
            builder.startArray("models");
            for (ModelRegistry.Entry entry : entries) {
                writeEntry(builder, entry);
            }
            builder.endArray();
            builder.endObject();
            channel.sendResponse(new RestResponse(RestStatus.OK, builder));
        };
    }

    private void writeEntry(XContentBuilder builder, ModelRegistry.Entry entry) throws IOException {
        builder.startObject();
        builder.field("id", entry.id());
        builder.field("location", entry.location().toString());
        if (entry.spec() != null) {
            builder.field("architecture", entry.spec().architecture());
            builder.field("dims", entry.spec().dims());
            builder.field("pooling", entry.spec().pooling().toString());
            builder.field("normalize", entry.spec().normalize());
            builder.field("max_tokens", entry.spec().maxTokens());
            if (entry.spec().description() != null) {
                builder.field("description", entry.spec().description());
            }
        } else {
            builder.field("error", entry.error());
        }
        builder.field("loaded", registry.isLoaded(entry.id()));
        var kernel = registry.attentionKernel(entry.id());
        if (kernel.isPresent()) {
            builder.field("attention");
            kernel.get().toXContent(builder, ToXContent.EMPTY_PARAMS);
        }
        builder.field("stats");
        registry.stats(entry.id()).toXContent(builder, ToXContent.EMPTY_PARAMS);
        builder.endObject();
    }
}
