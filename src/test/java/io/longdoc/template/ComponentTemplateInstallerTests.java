package io.longdoc.template;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.admin.indices.template.put.PutComponentTemplateAction;
import org.elasticsearch.action.support.master.AcknowledgedResponse;
import org.elasticsearch.cluster.ClusterName;
import org.elasticsearch.cluster.ClusterState;
import org.elasticsearch.cluster.block.ClusterBlocks;
import org.elasticsearch.cluster.metadata.ComponentTemplate;
import org.elasticsearch.cluster.metadata.Metadata;
import org.elasticsearch.cluster.metadata.ProjectId;
import org.elasticsearch.cluster.metadata.ProjectMetadata;
import org.elasticsearch.cluster.metadata.Template;
import org.elasticsearch.common.compress.CompressedXContent;
import org.elasticsearch.gateway.GatewayService;
import org.elasticsearch.transport.RemoteTransportException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComponentTemplateInstallerTests {

    private static final String NAME = LongdocMappings.NAME;

    /** The requests the installer sent, with their listeners, answered by the test. */
    private final List<PutComponentTemplateAction.Request> requests = new ArrayList<>();
    private final List<ActionListener<AcknowledgedResponse>> listeners = new ArrayList<>();
    private final ComponentTemplateInstaller installer = new ComponentTemplateInstaller(NAME, LongdocMappings.template(), (request, listener) -> {
        requests.add(request);
        listeners.add(listener);
    }, Runnable::run);

    private static ClusterState state(Map<String, ComponentTemplate> templates) {
        ProjectMetadata.Builder project = ProjectMetadata.builder(ProjectId.DEFAULT).componentTemplates(templates);
        return ClusterState.builder(ClusterName.DEFAULT).metadata(Metadata.builder().put(project)).build();
    }

    private static ComponentTemplate userChanged() throws Exception {
        return new ComponentTemplate(new Template(null, new CompressedXContent("{\"properties\":{\"longdoc\":{\"type\":\"object\",\"enabled\":false}}}"), null), 7L, null);
    }

    @Test
    void theMasterInstallsWhenTheTemplateIsAbsent() {
        assertTrue(installer.shouldInstall(state(Map.of()), true));
        installer.onClusterState(state(Map.of()), true);
        assertEquals(1, requests.size());
        PutComponentTemplateAction.Request request = requests.get(0);
        assertEquals(NAME, request.name());
        assertTrue(request.create(), "create only: a template put meanwhile is never replaced");
        assertEquals(LongdocMappings.template(), request.componentTemplate());
    }

    @Test
    void aPresentTemplateIsNeverOverwrittenWhateverItHolds() throws Exception {
        assertFalse(installer.shouldInstall(state(Map.of(NAME, userChanged())), true), "changed by a user");
        assertFalse(installer.shouldInstall(state(Map.of(NAME, LongdocMappings.template())), true), "ours");
        installer.onClusterState(state(Map.of(NAME, userChanged())), true);
        assertEquals(0, requests.size());
    }

    @Test
    void onlyTheElectedMasterOnARecoveredStateInstalls() {
        assertFalse(installer.shouldInstall(state(Map.of()), false), "not the master");
        ClusterState notRecovered = ClusterState.builder(state(Map.of()))
            .blocks(ClusterBlocks.builder().addGlobalBlock(GatewayService.STATE_NOT_RECOVERED_BLOCK))
            .build();
        assertFalse(installer.shouldInstall(notRecovered, true), "the stored templates are not known yet");
        installer.onClusterState(notRecovered, true);
        installer.onClusterState(state(Map.of()), false);
        assertEquals(0, requests.size());
    }

    @Test
    void oneRequestAtATimeAndNoneOnceItIsThere() {
        installer.onClusterState(state(Map.of()), true);
        installer.onClusterState(state(Map.of()), true); // a later change before the answer
        assertEquals(1, requests.size());
        listeners.get(0).onResponse(AcknowledgedResponse.TRUE);
        installer.onClusterState(state(Map.of(NAME, LongdocMappings.template())), true);
        assertEquals(1, requests.size());
    }

    @Test
    void losingARaceIsQuietAndOtherFailuresAreRetriedAFewTimes() {
        installer.onClusterState(state(Map.of()), true);
        listeners.get(0).onFailure(new RemoteTransportException("x", new IllegalArgumentException("component template [" + NAME + "] already exists")));
        for (int change = 0; change < ComponentTemplateInstaller.MAX_ATTEMPTS + 2; change++) {
            int sent = listeners.size();
            installer.onClusterState(state(Map.of()), true);
            if (listeners.size() > sent) {
                listeners.get(sent).onFailure(new IllegalStateException("master left"));
            }
        }
        assertEquals(1 + ComponentTemplateInstaller.MAX_ATTEMPTS, requests.size(), "a lost race costs no attempt; then it gives up");
    }

    @Test
    void anExceptionFromSendingIsAFailureNotACrash() {
        AtomicInteger sent = new AtomicInteger();
        ComponentTemplateInstaller throwing = new ComponentTemplateInstaller(NAME, LongdocMappings.template(), (request, listener) -> {
            sent.incrementAndGet();
            throw new IllegalStateException("node closed");
        }, Runnable::run);
        throwing.onClusterState(state(Map.of()), true);
        throwing.onClusterState(state(Map.of()), true);
        assertEquals(2, sent.get(), "counted as a failed attempt, not left in flight");
    }
}
