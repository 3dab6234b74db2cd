package io.longdoc.action;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.FailedNodeException;
import org.elasticsearch.action.support.TransportAction;
import org.elasticsearch.action.support.nodes.BaseNodeResponse;
import org.elasticsearch.action.support.nodes.BaseNodesRequest;
import org.elasticsearch.action.support.nodes.BaseNodesResponse;
import org.elasticsearch.cluster.ClusterName;
import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.rest.action.RestActions;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;

/**
 * Loads a model on every node ({@code POST _longdoc/models/<id>/_load}), so that the first document or question does
 * not pay for compiling and opening it. It changes node state, so its name falls under the {@code manage} cluster
 * privilege ({@code cluster:admin/*}); a role may also grant exactly {@code cluster:admin/longdoc/*}.
 */
public final class LoadModelAction {

    public static final String NAME = "cluster:admin/longdoc/models/load";
    public static final ActionType<Response> TYPE = new ActionType<>(NAME);

    private LoadModelAction() {}

    /** Built on the node that received the REST call; only the per-node request crosses the wire. */
    public static final class Request extends BaseNodesRequest {
        private final String modelId;

        public Request(String modelId) {
            super(new String[0]); // every node
            this.modelId = modelId;
        }

        public String modelId() {
            return modelId;
        }
    }

    /** What loading took on one node and how the model runs its attention there. */
    public static final class NodeResponse extends BaseNodeResponse {
        private final String modelId;
        private final long tookMillis;
        private final String attention;
        private final String fallbackReason;

        public NodeResponse(DiscoveryNode node, String modelId, long tookMillis, String attention, String fallbackReason) {
            super(node);
            this.modelId = modelId;
            this.tookMillis = tookMillis;
            this.attention = attention;
            this.fallbackReason = fallbackReason;
        }

        public NodeResponse(StreamInput in) throws IOException {
            super(in);
            this.modelId = in.readString();
            this.tookMillis = in.readVLong();
            this.attention = in.readString();
            this.fallbackReason = in.readOptionalString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(modelId);
            out.writeVLong(tookMillis);
            out.writeString(attention);
            out.writeOptionalString(fallbackReason);
        }

        void toXContent(XContentBuilder builder) throws IOException {
            builder.startObject(getNode().getId());
            builder.field("name", getNode().getName());
            builder.field("model_id", modelId);
            builder.field("loaded", true);
            builder.field("took_ms", tookMillis);
            builder.field("attention", attention);
            if (fallbackReason != null) {
                builder.field("fallback_reason", fallbackReason);
            }
            builder.endObject();
        }
    }

    /** The usual nodes answer: {@code _nodes} header with failures, then one object per node that loaded the model. */
    public static final class Response extends BaseNodesResponse<NodeResponse> implements ToXContentObject {

        public Response(ClusterName clusterName, List<NodeResponse> nodes, List<FailedNodeException> failures) {
            super(clusterName, nodes, failures);
        }

        @Override
        protected List<NodeResponse> readNodesFrom(StreamInput in) {
            return TransportAction.localOnly();
        }

        @Override
        protected void writeNodesTo(StreamOutput out, List<NodeResponse> nodes) {
            TransportAction.localOnly();
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject();
            RestActions.buildNodesHeader(builder, params, this);
            builder.field("cluster_name", getClusterName().value());
            builder.startObject("nodes");
            for (NodeResponse node : getNodes()) {
                node.toXContent(builder);
            }
            builder.endObject();
            return builder.endObject();
        }
    }
}
