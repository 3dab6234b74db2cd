package io.longdoc.rest;

import io.longdoc.action.GetModelsAction;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;

import java.util.List;

import static org.elasticsearch.rest.RestRequest.Method.GET;

/**
 * {@code GET _longdoc/models[/<model_id>]}: the models this node can run, whether each is loaded, and its stats.
 * Goes through {@link GetModelsAction} so that security checks the {@code monitor} privilege.
 */
public final class RestModelsAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "longdoc_models";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(GET, "/_longdoc/models"), new Route(GET, "/_longdoc/models/{model_id}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        GetModelsAction.Request get = new GetModelsAction.Request(request.param("model_id"));
        return channel -> client.execute(GetModelsAction.TYPE, get, new RestToXContentListener<>(channel));
    }
}
