package io.longdoc.rest;

import io.longdoc.action.LoadModelAction;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;

import java.util.List;

import static org.elasticsearch.rest.RestRequest.Method.POST;

/**
 * {@code POST _longdoc/models/<model_id>/_load}: loads a model on every node. Answers like the other nodes APIs
 * ({@code _nodes} with per-node failures); when no node could load it, the first node's error is the answer (e.g.
 * 400 for a corrupt model file), since a 200 would hide that nothing happened.
 */
public final class RestLoadModelAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "longdoc_load_model";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(POST, "/_longdoc/models/{model_id}/_load"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        LoadModelAction.Request load = new LoadModelAction.Request(request.param("model_id"));
        return channel -> {
            ActionListener<LoadModelAction.Response> rest = new RestToXContentListener<>(channel);
            client.execute(LoadModelAction.TYPE, load, rest.delegateFailureAndWrap((listener, response) -> {
                if (response.getNodes().isEmpty() && response.hasFailures()) {
                    Throwable cause = ExceptionsHelper.unwrapCause(response.failures().get(0).getCause());
                    listener.onFailure(cause instanceof Exception e ? e : new RuntimeException(cause));
                } else {
                    listener.onResponse(response);
                }
            }));
        };
    }
}
