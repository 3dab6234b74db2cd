package io.longdoc.graph.importer;

import io.longdoc.graph.FloatTensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsReaderTests {

    @TempDir
    Path dir;

    @Test
    void roundTripsF32F16AndBf16() throws IOException {
        Random random = new Random(7);
        float[] values = new float[6 * 5];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        values[0] = 0f;
        values[1] = -0f;
        values[2] = 65504f; // largest finite half
        values[3] = 6.1035156e-5f; // smallest normal half
        Path file = dir.resolve("t.safetensors");
        new SafetensorsWriter().add("a.f32", "F32", values, 6, 5)
            .add("b.f16", "F16", values, 5, 6)
            .add("c.bf16", "BF16", values, 30)
            .metadata("format", "pt")
            .write(file);
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            assertEquals(Set.of("a.f32", "b.f16", "c.bf16"), reader.names());
            assertEquals("pt", reader.metadata().get("format"));
            for (String[] c : new String[][] { { "a.f32", "F32" }, { "b.f16", "F16" }, { "c.bf16", "BF16" } }) {
                FloatTensor t = reader.read(c[0]);
                float[] expected = new float[values.length];
                for (int i = 0; i < values.length; i++) {
                    expected[i] = SafetensorsWriter.roundTrip(c[1], values[i]);
                }
                assertArrayEquals(expected, t.data(), c[0]);
                assertEquals(SafetensorsReader.Dtype.valueOf(c[1]), reader.info(c[0]).dtype());
            }
            assertArrayEquals(new int[] { 6, 5 }, reader.read("a.f32").shape());
            assertArrayEquals(new int[] { 5, 6 }, reader.read("b.f16").shape());
            assertEquals(65504f, reader.read("b.f16").data()[2]);
            // half precision keeps ~3 decimal digits, bfloat16 ~2
            assertEquals(values[10], reader.read("b.f16").data()[10], Math.abs(values[10]) * 1e-3);
            assertEquals(values[10], reader.read("c.bf16").data()[10], Math.abs(values[10]) * 1e-2);
        }
    }

    @Test
    void readsScalarsAndEmptyTensors() throws IOException {
        Path file = dir.resolve("t.safetensors");
        new SafetensorsWriter().add("scalar", "F32", new float[] { 2.5f }).add("empty", "F32", new float[0], 0, 4).write(file);
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            assertEquals(2.5f, reader.read("scalar").data()[0]);
            assertEquals(0, reader.read("scalar").rank());
            assertArrayEquals(new int[] { 0, 4 }, reader.read("empty").shape());
        }
    }

    @Test
    void integerTensorsAreListedButNotReadAsFloats() throws IOException {
        Path file = dir.resolve("t.safetensors");
        new SafetensorsWriter().addRaw("embeddings.position_ids", "I64", new byte[16], 1, 2).add("w", "F32", new float[] { 1 }, 1).write(file);
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            assertTrue(reader.contains("embeddings.position_ids"));
            var e = assertThrows(IllegalArgumentException.class, () -> reader.read("embeddings.position_ids"));
            assertContains(e, "[embeddings.position_ids]", "I64");
            assertContains(assertThrows(IllegalArgumentException.class, () -> reader.read("nope")), "no tensor [nope]");
        }
    }

    @Test
    void rejectsTruncatedFiles() throws IOException {
        Path file = dir.resolve("t.safetensors");
        new SafetensorsWriter().add("first", "F32", new float[8], 8).add("last", "F32", new float[8], 2, 4).write(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 3);
        }
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "tensor [last]", "beyond the data section", "truncated");

        Files.write(file, new byte[] { 1, 2, 3 });
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "too short");
    }

    @Test
    void rejectsHeaderLengthsBeyondTheFileOrTheLimit() throws IOException {
        Path file = dir.resolve("t.safetensors");
        byte[] header = "{}".getBytes(StandardCharsets.UTF_8);
        SafetensorsWriter.writeRaw(file, 1L << 40, header, new byte[0]);
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "declares a header of 1099511627776 bytes");

        SafetensorsWriter.writeRaw(file, -1L, header, new byte[0]); // 2^64 − 1 as the unsigned field
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "18446744073709551615");

        SafetensorsWriter.writeRaw(file, 3, header, new byte[0]); // one byte more than the file holds
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "declares a header of 3 bytes");
    }

    @Test
    void rejectsOffsetsOutOfRange() throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafetensorsWriter.writeRaw(file, "{\"w\":{\"dtype\":\"F32\",\"shape\":[256],\"data_offsets\":[0,1024]}}", new byte[16]);
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "tensor [w]", "[0, 1024]", "16 bytes");

        SafetensorsWriter.writeRaw(file, "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", new byte[16]);
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "tensor [w]", "end before they begin");

        SafetensorsWriter.writeRaw(file, "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", new byte[16]);
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "tensor [w]", "non-negative");
    }

    @Test
    void rejectsShapesThatDoNotMatchTheByteLength() throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafetensorsWriter.writeRaw(file, "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", new byte[16]);
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "tensor [w]", "(12 bytes)", "span 16 bytes");

        SafetensorsWriter.writeRaw(file, "{\"w\":{\"dtype\":\"F16\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,16]}}", new byte[16]);
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "tensor [w]", "dimension");

        SafetensorsWriter.writeRaw(file, "{\"w\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,16]}}", new byte[16]);
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "tensor [w]", "overflows");
    }

    @Test
    void rejectsOverlapsHolesAndMalformedHeaders() throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafetensorsWriter.writeRaw(
            file,
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
            new byte[12]
        );
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "overlaps");

        SafetensorsWriter.writeRaw(file, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]);
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "bytes [0, 4) before tensor [a] belong to no tensor");

        SafetensorsWriter.writeRaw(file, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[12]);
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "cover 8 bytes", "has 12");

        SafetensorsWriter.writeRaw(file, "{\"a\":{\"dtype\":\"F31\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]);
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "tensor [a]", "unknown dtype [F31]");

        SafetensorsWriter.writeRaw(file, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", new byte[8]);
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "tensor [a]", "data_offsets");

        SafetensorsWriter.writeRaw(file, "{\"a\": [1, 2", new byte[8]);
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "not a JSON object");

        SafetensorsWriter.writeRaw(file, 4, new byte[] { '{', (byte) 0xC3, (byte) 0x28, '}' }, new byte[0]);
        assertContains(assertThrows(IOException.class, () -> SafetensorsReader.open(file)), "not UTF-8");
    }

    @Test
    void everyTruncationAndHeaderCorruptionFailsCleanly() throws IOException {
        Path good = dir.resolve("good.safetensors");
        new SafetensorsWriter().add("a", "F32", new float[] { 1, 2, 3, 4 }, 2, 2).add("b", "BF16", new float[] { 1, 2 }, 2).write(good);
        byte[] bytes = Files.readAllBytes(good);
        Path bad = dir.resolve("bad.safetensors");
        for (int length = 0; length < bytes.length; length++) {
            Files.write(bad, java.util.Arrays.copyOf(bytes, length));
            assertThrows(IOException.class, () -> SafetensorsReader.open(bad).close(), "truncated to " + length);
        }
        Random random = new Random(3);
        int headerEnd = 8 + (int) java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        for (int trial = 0; trial < 500; trial++) {
            byte[] corrupt = bytes.clone();
            corrupt[random.nextInt(headerEnd)] = (byte) random.nextInt(256);
            Files.write(bad, corrupt);
            try (SafetensorsReader reader = SafetensorsReader.open(bad)) {
                for (String name : reader.names()) {
                    reader.read(name);
                }
            } catch (IOException | IllegalArgumentException expected) {
                // a clean rejection; anything else (index errors, huge allocations) fails the test
            }
        }
    }

    static void assertContains(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(part), "expected [" + part + "] in: " + e.getMessage());
        }
    }
}
