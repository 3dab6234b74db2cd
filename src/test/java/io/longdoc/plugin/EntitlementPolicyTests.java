package io.longdoc.plugin;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin asks Elasticsearch for exactly what it needs: native libraries, three system properties, its own
 * folder under the data path and a read of /proc/cpuinfo — and no network, so a node running it makes no connection on its behalf.
 */
class EntitlementPolicyTests {

    private static final Path POLICY = Path.of("src/main/plugin-metadata/entitlement-policy.yaml");

    @Test
    void grantsNoNetwork() throws Exception {
        String policy = Files.readString(POLICY).toLowerCase(Locale.ROOT);
        for (String network : List.of("outbound_network", "inbound_network", "set_https_connection_properties", "manage_threads")) {
            assertFalse(policy.contains(network), "the policy must not grant [" + network + "]:\n" + policy);
        }
    }

    @Test
    void grantsExactlyTheEntitlementsTheReadmeNames() throws Exception {
        // the entitlements are the items directly under ALL-UNNAMED (two spaces in); their options sit deeper
        List<String> entitlements = Files.readAllLines(POLICY).stream()
            .filter(line -> line.matches("  - [a-z_]+:?\\s*"))
            .map(line -> line.strip().substring(2).replace(":", "").strip())
            .toList();
        assertEquals(List.of("load_native_libraries", "write_system_properties", "files"), entitlements, "entitlements: " + entitlements);
        String policy = Files.readString(POLICY);
        for (String property : List.of("onnxruntime.native.path", "RUST_LIBRARY_PATH", "ai.djl.offline")) {
            assertTrue(policy.contains(property), "the policy names [" + property + "]");
        }
        assertTrue(policy.contains("relative_to: data") && policy.contains("relative_path: longdoc"), "files only under <data>/longdoc");
        // and one file to read outside it: the CPU's flags, for compile.quantize auto
        assertTrue(policy.contains("- path: /proc/cpuinfo\n        mode: read\n"), "/proc/cpuinfo read-only:\n" + policy);
        assertEquals(1, policy.split("- path: ", -1).length - 1, "no other absolute path:\n" + policy);
    }
}
