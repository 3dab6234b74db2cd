package io.longdoc.template;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.admin.indices.template.put.PutComponentTemplateAction;
import org.elasticsearch.action.support.master.AcknowledgedResponse;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.ClusterChangedEvent;
import org.elasticsearch.cluster.ClusterState;
import org.elasticsearch.cluster.ClusterStateListener;
import org.elasticsearch.cluster.metadata.ComponentTemplate;
import org.elasticsearch.cluster.metadata.ProjectId;
import org.elasticsearch.gateway.GatewayService;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Puts a component template into the cluster when the elected master sees it missing — and only then: a template
 * that exists, whatever a user changed in it, is never overwritten (the request is {@code create}, so a user's PUT
 * racing ours wins too). Failures are logged, never thrown: the node runs without the template and a user can PUT it.
 */
public final class ComponentTemplateInstaller implements ClusterStateListener {

    private static final Logger logger = LogManager.getLogger(ComponentTemplateInstaller.class);

    /** Failures other than "already exists" are retried on later cluster state changes, this many times in all. */
    static final int MAX_ATTEMPTS = 3;

    private final String name;
    private final ComponentTemplate template;
    private final BiConsumer<PutComponentTemplateAction.Request, ActionListener<AcknowledgedResponse>> put;
    private final Executor executor;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private final AtomicInteger failures = new AtomicInteger();

    /**
     * @param put      sends the request ({@link #through} the node client on a node)
     * @param executor where the request is sent from: not the cluster applier thread that calls listeners
     */
    ComponentTemplateInstaller(
        String name,
        ComponentTemplate template,
        BiConsumer<PutComponentTemplateAction.Request, ActionListener<AcknowledgedResponse>> put,
        Executor executor
    ) {
        this.name = name;
        this.template = template;
        this.put = put;
        this.executor = executor;
    }

    /** Installs through the node client, as the plugin itself (no user's headers travel with the request). */
    public static ComponentTemplateInstaller through(Client client, String name, ComponentTemplate template, Executor executor) {
        return new ComponentTemplateInstaller(name, template, (request, listener) -> {
            try (var ignored = client.threadPool().getThreadContext().stashContext()) {
                client.execute(PutComponentTemplateAction.INSTANCE, request, listener);
            }
        }, executor);
    }

    @Override
    public void clusterChanged(ClusterChangedEvent event) {
        onClusterState(event.state(), event.localNodeMaster());
    }

    void onClusterState(ClusterState state, boolean localNodeMaster) {
        if (shouldInstall(state, localNodeMaster) == false || failures.get() >= MAX_ATTEMPTS || inFlight.compareAndSet(false, true) == false) {
            return;
        }
        try {
            executor.execute(this::install);
        } catch (RuntimeException e) { // rejected while the node shuts down
            inFlight.set(false);
            logger.debug(() -> "could not schedule the install of component template [" + name + "]", e);
        }
    }

    /**
     * Only the elected master installs (one node, not all of them at once), only once the cluster state is recovered
     * (before that, the templates stored in it are not known yet), and only when the template is absent.
     */
    boolean shouldInstall(ClusterState state, boolean localNodeMaster) {
        if (localNodeMaster == false || state.blocks().hasGlobalBlock(GatewayService.STATE_NOT_RECOVERED_BLOCK)) {
            return false;
        }
        // Stateful Elasticsearch has one project, the default one; the put request goes there too.
        if (state.metadata().hasProject(ProjectId.DEFAULT) == false) {
            return false;
        }
        return state.metadata().getProject(ProjectId.DEFAULT).componentTemplates().containsKey(name) == false;
    }

    private void install() {
        PutComponentTemplateAction.Request request = new PutComponentTemplateAction.Request(name).componentTemplate(template)
            .create(true)
            .cause("longdoc installs a missing template");
        ActionListener<AcknowledgedResponse> listener = ActionListener.runAfter(
            ActionListener.wrap(response -> logger.info("installed component template [{}]", name), this::onFailure),
            () -> inFlight.set(false)
        );
        try {
            put.accept(request, listener);
        } catch (RuntimeException e) {
            listener.onFailure(e);
        }
    }

    private void onFailure(Exception e) {
        Throwable cause = ExceptionsHelper.unwrapCause(e);
        if (cause instanceof IllegalArgumentException && String.valueOf(cause.getMessage()).contains("already exists")) {
            logger.debug("component template [{}] was put by someone else first; it stays as it is", name);
            return;
        }
        int attempt = failures.incrementAndGet();
        logger.warn(
            () -> "could not install component template [" + name + "] (attempt " + attempt + " of " + MAX_ATTEMPTS
                + (attempt < MAX_ATTEMPTS ? ", retried on a later cluster state change" : ", giving up: PUT it yourself, see the README") + ")",
            e
        );
    }
}
