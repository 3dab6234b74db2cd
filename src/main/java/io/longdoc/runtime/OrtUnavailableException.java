package io.longdoc.runtime;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.rest.RestStatus;

/**
 * ONNX Runtime cannot run on this node (refused before it loaded, or failed to start). The node stays up; every
 * request that needs a model fails with this until the node is restarted with the cause fixed. 503: nothing is wrong
 * with the request, this node cannot serve it.
 */
public final class OrtUnavailableException extends ElasticsearchStatusException {

    private final String reason;

    public OrtUnavailableException(String reason, Throwable cause) {
        super("ONNX Runtime is not available on this node: " + reason, RestStatus.SERVICE_UNAVAILABLE, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
