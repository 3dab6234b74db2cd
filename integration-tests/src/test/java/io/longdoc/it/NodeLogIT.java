package io.longdoc.it;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs last: after every other class used the shared node, its log shows no denial and no OOM. */
@ExtendWith(LongdocNodeExtension.class)
@Order(Integer.MAX_VALUE)
class NodeLogIT {

    @Test
    void theServerLogIsTheSharedNodesAndShowsThePluginLoaded(ElasticsearchNode node) {
        String log = node.serverLogText();
        assertTrue(log.contains("[" + node.name() + "]"), "the server log should be the node's: " + node.keptLogsDir());
        assertTrue(log.contains("loaded plugin [longdoc]"), "the server log should show the plugin loaded");
    }

    @Test
    void theServerLogHasNoEntitlementDenial(ElasticsearchNode node) {
        assertAbsent(node.serverLogText(), "NotEntitledException", node);
        // the entitlement checker's own warning, in case a denial was caught and its exception not logged
        assertAbsent(node.serverLogText(), "Not entitled:", node);
    }

    @Test
    void theServerLogHasNoOutOfMemoryError(ElasticsearchNode node) {
        assertAbsent(node.serverLogText(), "java.lang.OutOfMemoryError", node);
        assertAbsent(node.consoleLogText(), "java.lang.OutOfMemoryError", node);
    }

    private static void assertAbsent(String log, String needle, ElasticsearchNode node) {
        List<String> lines = log.lines().filter(line -> line.contains(needle)).limit(10).toList();
        assertTrue(lines.isEmpty(), needle + " in the log of " + node.name() + " (" + node.keptLogsDir() + "):\n"
            + String.join("\n", lines));
    }
}
