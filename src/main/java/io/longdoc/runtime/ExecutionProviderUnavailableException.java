package io.longdoc.runtime;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.rest.RestStatus;

/**
 * {@code longdoc.execution_provider: cuda} on a node where CUDA cannot run. Thrown by every model load; the node stays
 * up and answers everything else. 503 like {@link OrtUnavailableException}: the request is fine, this node cannot serve
 * it until it is restarted with the cause fixed or the setting changed.
 */
public final class ExecutionProviderUnavailableException extends ElasticsearchStatusException {

    public ExecutionProviderUnavailableException(String reason) {
        super(reason + "; set longdoc.execution_provider to [auto] or [cpu] to run models on the CPU", RestStatus.SERVICE_UNAVAILABLE);
    }
}
