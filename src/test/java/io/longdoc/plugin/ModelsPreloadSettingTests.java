package io.longdoc.plugin;

import org.elasticsearch.common.settings.Settings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code longdoc.models.preload}: the default model by default, a list of valid ids, or none. */
class ModelsPreloadSettingTests {

    static final String KEY = "longdoc.models.preload";

    @Test
    void theDefaultModelByDefaultSoAFreshNodeIsWarm() {
        assertEquals(List.of("bge-small-en-v1.5"), LongDocSettings.MODELS_PRELOAD.get(Settings.EMPTY));
        Settings otherDefault = Settings.builder().put("longdoc.default_model", "my-encoder").build();
        assertEquals(List.of("my-encoder"), LongDocSettings.MODELS_PRELOAD.get(otherDefault), "follows longdoc.default_model");
        assertTrue(LongDocSettings.all().contains(LongDocSettings.MODELS_PRELOAD), "registered");
    }

    @Test
    void aListOrACommaSeparatedString() {
        Settings list = Settings.builder().putList(KEY, "all-minilm-l6-v2", "bge-small-en-v1.5").build();
        assertEquals(List.of("all-minilm-l6-v2", "bge-small-en-v1.5"), LongDocSettings.MODELS_PRELOAD.get(list));
        Settings commas = Settings.builder().put(KEY, "all-minilm-l6-v2,bge-small-en-v1.5").build();
        assertEquals(List.of("all-minilm-l6-v2", "bge-small-en-v1.5"), LongDocSettings.MODELS_PRELOAD.get(commas), "as -E on the command line");
    }

    @Test
    void anEmptyListPreloadsNothing() {
        Settings none = Settings.builder().put("longdoc.default_model", "my-encoder").putList(KEY, List.of()).build();
        assertEquals(List.of(), LongDocSettings.MODELS_PRELOAD.get(none), "[] in elasticsearch.yml");
    }

    @Test
    void anInvalidIdIsRejectedNamingTheSettingAndTheId() {
        Settings path = Settings.builder().putList(KEY, "bge-small-en-v1.5", "../etc").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LongDocSettings.MODELS_PRELOAD.get(path));
        assertTrue(e.getMessage().startsWith("[" + KEY + "]: invalid model id [../etc]"), e.getMessage());
    }
}
