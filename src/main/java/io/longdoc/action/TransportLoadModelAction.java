package io.longdoc.action;

import io.longdoc.model.AttentionKernel;
import io.longdoc.model.ModelRegistry;
import io.longdoc.summary.SummaryModels;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.FailedNodeException;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.nodes.TransportNodesAction;
import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.AbstractTransportRequest;
import org.elasticsearch.transport.TransportService;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Fans {@link LoadModelAction} out to every node; each loads the model into its own registry. */
public final class TransportLoadModelAction extends TransportNodesAction<
    LoadModelAction.Request,
    LoadModelAction.Response,
    TransportLoadModelAction.NodeRequest,
    LoadModelAction.NodeResponse,
    Void> {

    private final ModelRegistry registry;
    private final SummaryModels summaryModels;

    @Inject
    public TransportLoadModelAction(
        ThreadPool threadPool,
        ClusterService clusterService,
        TransportService transportService,
        ActionFilters actionFilters,
        ModelRegistry registry,
        SummaryModels summaryModels
    ) {
        // loading compiles and opens a model: seconds of blocking work, so the generic pool, never a transport thread
        super(LoadModelAction.NAME, clusterService, transportService, actionFilters, NodeRequest::new, threadPool.generic());
        this.registry = registry;
        this.summaryModels = summaryModels;
    }

    @Override
    protected void doExecute(Task task, LoadModelAction.Request request, ActionListener<LoadModelAction.Response> listener) {
        // an invalid or unknown id is the caller's mistake (400/404), checked after security has authorised the call
        try {
            if (registry.isSummaryModel(request.modelId())) {
                summaryModels.check(request.modelId()); // 400 naming what is missing from the LED folder
            } else {
                registry.spec(request.modelId());
            }
        } catch (RuntimeException e) {
            listener.onFailure(e);
            return;
        }
        super.doExecute(task, request, listener);
    }

    @Override
    protected LoadModelAction.Response newResponse(
        LoadModelAction.Request request,
        List<LoadModelAction.NodeResponse> responses,
        List<FailedNodeException> failures
    ) {
        return new LoadModelAction.Response(clusterService.getClusterName(), responses, failures);
    }

    @Override
    protected NodeRequest newNodeRequest(LoadModelAction.Request request) {
        return new NodeRequest(request.modelId());
    }

    @Override
    protected LoadModelAction.NodeResponse newNodeResponse(StreamInput in, DiscoveryNode node) throws IOException {
        return new LoadModelAction.NodeResponse(in);
    }

    @Override
    protected LoadModelAction.NodeResponse nodeOperation(NodeRequest request, Task task) {
        long start = System.nanoTime();
        // an LED summary model (its three graphs) or an embedding model; the answer has the same shape
        AttentionKernel kernel;
        if (registry.isSummaryModel(request.modelId)) {
            summaryModels.load(request.modelId);
            kernel = summaryModels.attentionKernel(request.modelId).orElseThrow();
        } else {
            kernel = registry.load(request.modelId).attentionKernel();
        }
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        return new LoadModelAction.NodeResponse(
            clusterService.localNode(), request.modelId, tookMillis, kernel.name(), kernel.fallbackReason());
    }

    /** What one node is asked to load. */
    public static final class NodeRequest extends AbstractTransportRequest {
        private final String modelId;

        NodeRequest(String modelId) {
            this.modelId = modelId;
        }

        NodeRequest(StreamInput in) throws IOException {
            super(in);
            this.modelId = in.readString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(modelId);
        }
    }
}
