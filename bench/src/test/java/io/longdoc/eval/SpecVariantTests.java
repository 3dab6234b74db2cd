package io.longdoc.eval;

import io.longdoc.graph.importer.PositionExtension;
import io.longdoc.model.ModelSpec;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecVariantTests {

    @Test
    void changesTheCompileSectionAndNamesTheChange() throws Exception {
        String bundled = Files.readString(Path.of("src/main/models/bge-small-en-v1.5/model.json"));
        Map<String, String> changes = SpecVariant.parse("positions=interpolate,attention.window=128");
        String id = "bge-small-en-v1.5-fp32" + SpecVariant.suffix(changes);
        assertEquals("bge-small-en-v1.5-fp32-attention-window-128-positions-interpolate", id);
        ModelSpec spec = ModelSpec.parse(new ByteArrayInputStream(SpecVariant.apply(bundled, changes).getBytes(StandardCharsets.UTF_8)), "bge-small-en-v1.5");
        ModelSpec original = ModelSpec.parse(new ByteArrayInputStream(bundled.getBytes(StandardCharsets.UTF_8)), "bge-small-en-v1.5");
        assertEquals(PositionExtension.INTERPOLATE, spec.compile().positions());
        assertEquals(PositionExtension.COPY, original.compile().positions());
        assertTrue(spec.compile().attention().toString().contains("window=128"), spec.compile().attention().toString());
        assertEquals(original.compile().fused(), spec.compile().fused(), "the rest of the section is kept");
        assertEquals(original.maxTokens(), spec.maxTokens());
    }

    @Test
    void noChangeIsTheSpecAsItIs() {
        assertEquals("{\"id\":\"x\"}", SpecVariant.apply("{\"id\":\"x\"}", SpecVariant.parse(null)));
        assertEquals("", SpecVariant.suffix(SpecVariant.parse("")));
    }

    @Test
    void badPairsAndSpecsWithoutCompileAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SpecVariant.parse("positions"));
        assertThrows(IllegalArgumentException.class, () -> SpecVariant.parse("=copy"));
        var e = assertThrows(IllegalArgumentException.class, () -> SpecVariant.apply("{\"id\":\"m\"}", Map.of("positions", "group")));
        assertTrue(e.getMessage().contains("[m]"), e.getMessage());
    }
}
