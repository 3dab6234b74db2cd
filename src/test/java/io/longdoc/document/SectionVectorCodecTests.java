package io.longdoc.document;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SectionVectorCodecTests {

    @Test
    void roundTripsSectionsExactly() {
        Random random = new Random(7);
        List<StoredSection> sections = List.of(section(0, 120, random), section(121, 480, random), section(480, 481, random));
        byte[] bytes = SectionVectorCodec.encode(sections);
        byte[] padded = new byte[bytes.length + 10];
        System.arraycopy(bytes, 0, padded, 5, bytes.length);
        List<StoredSection> back = SectionVectorCodec.decode(padded, 5, bytes.length);
        assertEquals(3, back.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(sections.get(i).start(), back.get(i).start());
            assertEquals(sections.get(i).end(), back.get(i).end());
            assertArrayEquals(sections.get(i).vector(), back.get(i).vector());
        }
        assertEquals(0, SectionVectorCodec.decode(SectionVectorCodec.encode(List.of()), 0, 12).size());
    }

    @Test
    void rejectsValuesItDidNotWrite() {
        byte[] bytes = SectionVectorCodec.encode(List.of(section(0, 10, new Random(1))));
        var truncated = assertThrows(IllegalArgumentException.class, () -> SectionVectorCodec.decode(bytes, 0, bytes.length - 4));
        assertTrue(truncated.getMessage().contains("corrupt"), truncated.getMessage());
        byte[] other = "not our value at all".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var garbage = assertThrows(IllegalArgumentException.class, () -> SectionVectorCodec.decode(other, 0, other.length));
        assertTrue(garbage.getMessage().contains("bad header"), garbage.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SectionVectorCodec.decode(bytes, 0, 5));
    }

    private static StoredSection section(int start, int end, Random random) {
        float[] v = new float[16];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return new StoredSection(start, end, v);
    }
}
