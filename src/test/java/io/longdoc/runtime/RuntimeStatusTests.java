package io.longdoc.runtime;

import org.elasticsearch.common.Strings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runtime part of {@code GET _longdoc/models}: the GPU's slots and memory budget once models run on CUDA. */
class RuntimeStatusTests {

    @Test
    void aCudaNodeShowsItsSlotsAndMemoryBudget() {
        ProviderSelection.Result cuda = new ProviderSelection.Result(ExecutionProviderSetting.AUTO, ExecutionProvider.CUDA, null, null);
        RuntimeStatus.Device device = new RuntimeStatus.Device(1, 2, 1, 8L << 30, 300L << 20, "longdoc.cuda.memory_budget [8gb]");
        String json = Strings.toString(new RuntimeStatus(RuntimeStatus.State.STARTED, null, null, ExecutionProviderSetting.AUTO, cuda, device));
        assertTrue(json.contains("\"in_use\":\"cuda\""), json);
        assertTrue(json.contains("\"cuda\":{\"device_id\":1,\"concurrent_passes\":2,\"passes_running\":1,\"memory_budget_bytes\":8589934592,"
            + "\"memory_reserved_bytes\":314572800,\"memory_budget_source\":\"longdoc.cuda.memory_budget [8gb]\"}"), json);
    }

    @Test
    void aCpuNodeShowsNoDevice() {
        ProviderSelection.Result cpu = new ProviderSelection.Result(ExecutionProviderSetting.CPU, ExecutionProvider.CPU, null, null);
        String json = Strings.toString(new RuntimeStatus(RuntimeStatus.State.STARTED, null, null, ExecutionProviderSetting.CPU, cpu, null));
        assertFalse(json.contains("\"cuda\":{"), json);
    }
}
