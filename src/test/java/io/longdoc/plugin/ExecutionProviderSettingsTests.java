package io.longdoc.plugin;

import io.longdoc.runtime.ExecutionProviderSetting;

import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Settings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code longdoc.execution_provider}, its deprecated alias and {@code longdoc.cuda.device_id}. */
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
}
