package io.longdoc.plugin;

import io.longdoc.runtime.CudaSettings;
import io.longdoc.runtime.DeviceMemoryLimit;
import io.longdoc.runtime.ExecutionProviderSetting;

import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Settings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code longdoc.execution_provider}, its deprecated alias and the {@code longdoc.cuda.*} settings. */
class ExecutionProviderSettingsTests {

    @Test
    void autoByDefault() {
        assertEquals(ExecutionProviderSetting.AUTO, LongDocSettings.EXECUTION_PROVIDER.get(Settings.EMPTY));
        assertEquals(0, LongDocSettings.CUDA_DEVICE_ID.get(Settings.EMPTY));
    }

    @Test
    void theOldNameStillWorksWhenTheNewOneIsNotSet() {
        Settings old = Settings.builder().put("longdoc.inference.execution_provider", "cuda").build();
        assertEquals(ExecutionProviderSetting.CUDA, LongDocSettings.EXECUTION_PROVIDER.get(old));
        Settings both = Settings.builder().put("longdoc.inference.execution_provider", "cuda").put("longdoc.execution_provider", "cpu").build();
        assertEquals(ExecutionProviderSetting.CPU, LongDocSettings.EXECUTION_PROVIDER.get(both), "the new name wins");
        assertTrue(LongDocSettings.EXECUTION_PROVIDER_DEPRECATED.getProperties().contains(Setting.Property.Deprecated));
    }

    @Test
    void rejectsWhatItDoesNotKnow() {
        Settings wrong = Settings.builder().put("longdoc.execution_provider", "rocm").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LongDocSettings.EXECUTION_PROVIDER.get(wrong));
        assertEquals("unknown execution provider [rocm], expected one of [auto, cpu, cuda]", e.getMessage());
        Settings negative = Settings.builder().put("longdoc.cuda.device_id", -1).build();
        assertThrows(IllegalArgumentException.class, () -> LongDocSettings.CUDA_DEVICE_ID.get(negative));
        assertEquals(2, LongDocSettings.CUDA_DEVICE_ID.get(Settings.builder().put("longdoc.cuda.device_id", 2).build()));
    }

    @Test
    void theCudaSettingsTogether() {
        assertEquals(new CudaSettings(0, 2, new DeviceMemoryLimit(0, 0.8)), LongDocSettings.cuda(Settings.EMPTY), "two passes, 80% of the free memory");
        Settings set = Settings.builder()
            .put("longdoc.cuda.device_id", 1)
            .put("longdoc.cuda.concurrent_passes", 4)
            .put("longdoc.cuda.memory_budget", "6gb")
            .build();
        assertEquals(new CudaSettings(1, 4, new DeviceMemoryLimit(6L << 30, 0)), LongDocSettings.cuda(set));
        Settings none = Settings.builder().put("longdoc.cuda.concurrent_passes", 0).build();
        assertThrows(IllegalArgumentException.class, () -> LongDocSettings.CUDA_CONCURRENT_PASSES.get(none));
        Settings tooMuch = Settings.builder().put("longdoc.cuda.memory_budget", "150%").build();
        var e = assertThrows(IllegalArgumentException.class, () -> LongDocSettings.CUDA_MEMORY_BUDGET.get(tooMuch));
        assertTrue(e.getMessage().contains("longdoc.cuda.memory_budget"), e.getMessage());
        assertTrue(LongDocSettings.all().contains(LongDocSettings.CUDA_MEMORY_BUDGET) && LongDocSettings.all().contains(LongDocSettings.CUDA_CONCURRENT_PASSES), "registered");
    }
}
