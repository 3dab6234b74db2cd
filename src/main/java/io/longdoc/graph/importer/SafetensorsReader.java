package io.longdoc.graph.importer;

import io.longdoc.graph.FloatTensor;

import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A safetensors file: an 8-byte little-endian header length, a JSON header
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}}, then the tensors' raw
 * little-endian bytes, offsets relative to the end of the header. The header is validated in full when the file is
 * opened (lengths, offsets inside the file, shape × dtype size = byte length, no overlaps or holes), so a truncated
 * or corrupt file fails there with an {@link IOException} naming the tensor — never with an allocation the size of
 * a bogus header. Tensors are read on demand; F32, F16, BF16 and F64 read as float32.
 */
public final class SafetensorsReader implements AutoCloseable {

    /** The reference implementation's limit: real headers are a few hundred kilobytes. */
    static final long MAX_HEADER_BYTES = 100_000_000;
    private static final String METADATA = "__metadata__";

    public enum Dtype {
        BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4), F64(8), I64(8), U64(8);

        final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }

        boolean isFloat() {
            return this == F16 || this == BF16 || this == F32 || this == F64;
        }
    }

    /** Where one tensor lies: {@code [begin, end)} relative to the start of the data section. */
    public record TensorInfo(String name, Dtype dtype, int[] shape, long begin, long end) {
        public long byteLength() {
            return end - begin;
        }

        public long elements() {
            long n = 1;
            for (int dim : shape) {
                n *= dim;
            }
            return n;
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsReader(Path file, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsReader open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            String name = file.getFileName().toString();
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new IOException("[" + name + "] has " + fileSize + " bytes, too short for a safetensors header length");
            }
            long headerLength = readFully(channel, 0, 8, name).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
                throw new IOException(
                    "[" + name + "] declares a header of " + Long.toUnsignedString(headerLength) + " bytes; the file has " + (fileSize - 8)
                        + " bytes after the length and headers are limited to " + MAX_HEADER_BYTES
                );
            }
            String json = utf8(readFully(channel, 8, (int) headerLength, name), name);
            long dataSize = fileSize - 8 - headerLength;
            Map<String, Object> header = parseJson(json, name);
            Map<String, String> metadata = metadata(header.get(METADATA), name);
            Map<String, TensorInfo> tensors = new TreeMap<>();
            for (Map.Entry<String, Object> entry : header.entrySet()) {
                if (entry.getKey().equals(METADATA) == false) {
                    tensors.put(entry.getKey(), tensorInfo(entry.getKey(), entry.getValue(), dataSize, name));
                }
            }
            checkLayout(tensors, dataSize, name);
            return new SafetensorsReader(file, channel, 8 + headerLength, Collections.unmodifiableMap(tensors), metadata);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Set<String> names() {
        return tensors.keySet();
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The tensor's entry, or null when there is none. */
    public TensorInfo info(String name) {
        return tensors.get(name);
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public Path file() {
        return file;
    }

    /** Reads a float tensor (F32, F16, BF16 or F64) as float32. */
    public FloatTensor read(String name) throws IOException {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new IllegalArgumentException("[" + file.getFileName() + "] has no tensor [" + name + "]");
        }
        if (info.dtype().isFloat() == false) {
            throw new IllegalArgumentException(
                "tensor [" + name + "] in [" + file.getFileName() + "] has dtype " + info.dtype() + ", expected F32, F16, BF16 or F64"
            );
        }
        if (info.byteLength() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor [" + name + "] in [" + file.getFileName() + "] has " + info.byteLength() + " bytes, too large to read");
        }
        ByteBuffer bytes = readFully(channel, dataStart + info.begin(), (int) info.byteLength(), file.getFileName().toString());
        bytes.order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[(int) info.elements()];
        switch (info.dtype()) {
            case F32 -> bytes.asFloatBuffer().get(values);
            case F16 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.float16ToFloat(bytes.getShort());
                }
            }
            case BF16 -> {
                // bfloat16 is the top half of a float32
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.intBitsToFloat((bytes.getShort() & 0xFFFF) << 16);
                }
            }
            case F64 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) bytes.getDouble();
                }
            }
            default -> throw new IllegalStateException(info.dtype().name());
        }
        return new FloatTensor(values, info.shape().clone());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static Map<String, Object> parseJson(String json, String name) throws IOException {
        try {
            return XContentHelper.convertToMap(XContentType.JSON.xContent(), json, false);
        } catch (RuntimeException e) {
            throw new IOException("[" + name + "] has a header that is not a JSON object: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> metadata(Object value, String name) throws IOException {
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, String> out = new TreeMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (entry.getValue() instanceof String s) {
                    out.put(String.valueOf(entry.getKey()), s);
                } else {
                    throw new IOException("[" + name + "]: __metadata__ values must be strings, [" + entry.getKey() + "] is " + entry.getValue());
                }
            }
            return Collections.unmodifiableMap(out);
        }
        throw new IOException("[" + name + "]: __metadata__ must be an object, got " + value);
    }

    private static TensorInfo tensorInfo(String tensor, Object value, long dataSize, String name) throws IOException {
        String where = "tensor [" + tensor + "] in [" + name + "]";
        if (value instanceof Map<?, ?> == false) {
            throw new IOException(where + ": expected an object with dtype, shape and data_offsets, got " + value);
        }
        Map<?, ?> entry = (Map<?, ?>) value;
        Object dtypeValue = entry.get("dtype");
        Dtype dtype;
        try {
            dtype = Dtype.valueOf(String.valueOf(dtypeValue));
        } catch (IllegalArgumentException e) {
            throw new IOException(where + " has unknown dtype [" + dtypeValue + "], expected one of " + Arrays.toString(Dtype.values()));
        }
        long[] shapeValues = longs(entry.get("shape"), -1, where, "shape");
        long[] offsets = longs(entry.get("data_offsets"), 2, where, "data_offsets");
        int[] shape = new int[shapeValues.length];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shapeValues[i] > Integer.MAX_VALUE) {
                throw new IOException(where + " has a dimension of " + shapeValues[i] + ", larger than supported");
            }
            shape[i] = (int) shapeValues[i];
            elements = multiply(elements, shapeValues[i], where);
        }
        long begin = offsets[0], end = offsets[1];
        if (begin > end) {
            throw new IOException(where + " has data_offsets [" + begin + ", " + end + "] that end before they begin");
        }
        if (end > dataSize) {
            throw new IOException(
                where + " has data_offsets [" + begin + ", " + end + "] beyond the data section of " + dataSize + " bytes (truncated file?)"
            );
        }
        long expected = multiply(elements, dtype.bytes, where);
        if (expected != end - begin) {
            throw new IOException(
                where + " has shape " + Arrays.toString(shape) + " and dtype " + dtype + " (" + expected + " bytes) but data_offsets [" + begin + ", "
                    + end + "] span " + (end - begin) + " bytes"
            );
        }
        return new TensorInfo(tensor, dtype, shape, begin, end);
    }

    /** The tensors must tile the data section exactly, as the reference implementation requires. */
    private static void checkLayout(Map<String, TensorInfo> tensors, long dataSize, String name) throws IOException {
        List<TensorInfo> byOffset = new ArrayList<>(tensors.values());
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long position = 0;
        String previous = null;
        for (TensorInfo info : byOffset) {
            if (info.begin() < position) {
                throw new IOException("[" + name + "]: tensor [" + info.name() + "] overlaps tensor [" + previous + "] (both hold byte " + info.begin() + ")");
            }
            if (info.begin() > position) {
                throw new IOException("[" + name + "]: bytes [" + position + ", " + info.begin() + ") before tensor [" + info.name() + "] belong to no tensor");
            }
            position = info.end();
            previous = info.name();
        }
        if (position != dataSize) {
            throw new IOException("[" + name + "]: the tensors cover " + position + " bytes but the data section has " + dataSize);
        }
    }

    private static long[] longs(Object value, int expectedLength, String where, String key) throws IOException {
        if (value instanceof List<?> == false) {
            throw new IOException(where + ": [" + key + "] must be a list of integers, got " + value);
        }
        List<?> list = (List<?>) value;
        if (expectedLength >= 0 && list.size() != expectedLength) {
            throw new IOException(where + ": [" + key + "] must have " + expectedLength + " entries, got " + list);
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object item = list.get(i);
            if ((item instanceof Integer || item instanceof Long) == false || ((Number) item).longValue() < 0) {
                throw new IOException(where + ": [" + key + "] must hold non-negative integers, got " + list);
            }
            out[i] = ((Number) item).longValue();
        }
        return out;
    }

    private static long multiply(long a, long b, String where) throws IOException {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new IOException(where + " is too large: its size overflows");
        }
    }

    private static String utf8(ByteBuffer bytes, String name) throws IOException {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new IOException("[" + name + "] has a header that is not UTF-8", e);
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length, String name) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("[" + name + "] ended early: wanted bytes [" + position + ", " + (position + length) + ")");
            }
        }
        return buffer.flip();
    }
}
