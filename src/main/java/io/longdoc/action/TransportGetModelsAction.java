package io.longdoc.action;

import io.longdoc.model.ModelCatalog;
import io.longdoc.model.ModelRegistry;
import io.longdoc.search.QaStats;
import io.longdoc.summary.SummaryModels;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.TransportAction;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;

import java.util.List;

/** Answers {@link GetModelsAction} from the local registry; local only, so it never crosses the wire. */
public final class TransportGetModelsAction extends TransportAction<GetModelsAction.Request, GetModelsAction.Response> {

    private final ModelRegistry registry;
    private final SummaryModels summaryModels;
    private final QaStats qaStats;

    @Inject
    public TransportGetModelsAction(TransportService transportService, ActionFilters actionFilters, ModelRegistry registry, SummaryModels summaryModels,
                                    QaStats qaStats) {
        super(GetModelsAction.NAME, actionFilters, transportService.getTaskManager(), EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.registry = registry;
        this.summaryModels = summaryModels;
        this.qaStats = qaStats;
    }

    @Override
    protected void doExecute(Task task, GetModelsAction.Request request, ActionListener<GetModelsAction.Response> listener) {
        ActionListener.completeWith(listener, () -> {
            String modelId = request.modelId();
            List<ModelCatalog.Entry> entries;
            if (modelId == null) {
                entries = registry.list();
            } else {
                if (registry.isSummaryModel(modelId) == false) {
                    registry.spec(modelId); // 400 for an invalid id or spec, 404 for an unknown one
                }
                entries = registry.list().stream().filter(e -> e.id().equals(modelId)).toList();
            }
            List<GetModelsAction.ModelView> views = entries.stream()
                .map(e -> e.summaryModel()
                    ? GetModelsAction.ModelView.summary(e, summaryModels.view(e.id()))
                    : GetModelsAction.ModelView.of(e, registry))
                .toList();
            return new GetModelsAction.Response(registry.defaultModelId(), registry.runtimeStatus(), views, qaStats);
        });
    }
}
