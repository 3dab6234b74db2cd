package io.longdoc.graph.importer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes safetensors files for tests, the way the reference implementation lays them out. */
final class SafetensorsWriter {

    /** One tensor's dtype, shape and little-endian bytes. */
    record Entry(String dtype, int[] shape, byte[] bytes) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    SafetensorsWriter add(String name, String dtype, float[] values, int... shape) {
        entries.put(name, new Entry(dtype, shape, encode(dtype, values)));
        return this;
    }

    SafetensorsWriter addRaw(String name, String dtype, byte[] bytes, int... shape) {
        entries.put(name, new Entry(dtype, shape, bytes));
        return this;
    }

    SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    void write(Path file) throws IOException {
        StringBuilder header = new StringBuilder("{");
        if (metadata.isEmpty() == false) {
            header.append("\"__metadata__\":{");
            metadata.forEach((k, v) -> header.append('"').append(k).append("\":\"").append(v).append("\","));
            header.setLength(header.length() - 1);
            header.append("},");
        }
        long offset = 0;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            Entry entry = e.getValue();
            header.append('"').append(e.getKey()).append("\":{\"dtype\":\"").append(entry.dtype()).append("\",\"shape\":[");
            for (int i = 0; i < entry.shape().length; i++) {
                header.append(i == 0 ? "" : ",").append(entry.shape()[i]);
            }
            header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + entry.bytes().length).append("]},");
            offset += entry.bytes().length;
        }
        if (header.length() > 1) {
            header.setLength(header.length() - 1);
        }
        header.append('}');
        // The reference writer pads the header with spaces to a multiple of 8 bytes.
        while ((header.toString().getBytes(StandardCharsets.UTF_8).length) % 8 != 0) {
            header.append(' ');
        }
        byte[] data = new byte[(int) offset];
        int position = 0;
        for (Entry entry : entries.values()) {
            System.arraycopy(entry.bytes(), 0, data, position, entry.bytes().length);
            position += entry.bytes().length;
        }
        writeRaw(file, header.toString(), data);
    }

    /** A file with exactly this header text and data section. */
    static void writeRaw(Path file, String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        writeRaw(file, json.length, json, data);
    }

    /** A file whose header length field says {@code declaredLength}, whatever follows. */
    static void writeRaw(Path file, long declaredLength, byte[] header, byte[] data) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declaredLength).array());
            out.write(header);
            out.write(data);
        }
    }

    static byte[] encode(String dtype, float[] values) {
        return switch (dtype) {
            case "F32" -> {
                ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : values) {
                    b.putFloat(v);
                }
                yield b.array();
            }
            case "F16" -> {
                ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : values) {
                    b.putShort(Float.floatToFloat16(v));
                }
                yield b.array();
            }
            case "BF16" -> {
                ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : values) {
                    b.putShort((short) (Float.floatToRawIntBits(v) >>> 16)); // truncation: exact for test values
                }
                yield b.array();
            }
            default -> throw new IllegalArgumentException(dtype);
        };
    }

    /** What a value reads back as after a round trip through {@code dtype}. */
    static float roundTrip(String dtype, float v) {
        return switch (dtype) {
            case "F32" -> v;
            case "F16" -> Float.float16ToFloat(Float.floatToFloat16(v));
            case "BF16" -> Float.intBitsToFloat(Float.floatToRawIntBits(v) & 0xFFFF0000);
            default -> throw new IllegalArgumentException(dtype);
        };
    }
}
