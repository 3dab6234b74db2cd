package io.longdoc.compat;

import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.rest.RestHandler;

import java.util.Collection;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@link ActionPlugin#getRestHandlers} as Elasticsearch 9.5 declares it ({@code RestHandlersServices}, nodes,
 * features). The 9.2/9.3 twin (src/compat/es9.2) takes nine arguments; longdoc's handlers need none of them.
 */
public interface CompatActionPlugin extends ActionPlugin {

    /** The plugin's REST handlers, whatever the Elasticsearch version. */
    Collection<RestHandler> restHandlers();

    @Override
    default Collection<RestHandler> getRestHandlers(
        RestHandlersServices services,
        Supplier<DiscoveryNodes> nodesInCluster,
        Predicate<NodeFeature> clusterSupportsFeature
    ) {
        return restHandlers();
    }
}
