package io.longdoc.model;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.rest.RestStatus;

/** A model whose files are missing, corrupt or do not match its spec. The node stays up; the request fails. */
public final class ModelLoadException extends ElasticsearchStatusException {

    public ModelLoadException(String modelId, String problem, Throwable cause) {
        this(modelId, problem, RestStatus.BAD_REQUEST, cause);
    }

    /** With another status than 400, for failures that are the node's and not the model's (e.g. a full disk: 500). */
    public ModelLoadException(String modelId, String problem, RestStatus status, Throwable cause) {
        super("model [" + modelId + "] could not be loaded: " + problem, status, cause);
    }
}
