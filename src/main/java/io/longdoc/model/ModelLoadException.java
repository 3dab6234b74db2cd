package io.longdoc.model;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.rest.RestStatus;

/** A model whose files are missing, corrupt or do not match its spec. The node stays up; the request fails. */
public final class ModelLoadException extends ElasticsearchStatusException {

    public ModelLoadException(String modelId, String problem, Throwable cause) {
        super("model [" + modelId + "] could not be loaded: " + problem, RestStatus.BAD_REQUEST, cause);
    }
}
