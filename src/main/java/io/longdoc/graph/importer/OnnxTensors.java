package io.longdoc.graph.importer;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import com.google.protobuf.ByteString;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Decodes ONNX {@code TensorProto}s into Java arrays: floats (float32, float16, bfloat16, double) and integers (the
 * int types and bool), from {@code raw_data}, the typed repeated fields, or an external data file beside the model.
 */
final class OnnxTensors {

    private OnnxTensors() {}

    static int[] shape(TensorProto tensor) {
        int[] shape = new int[tensor.getDimsCount()];
        for (int i = 0; i < shape.length; i++) {
            long dim = tensor.getDims(i);
            if (dim < 0 || dim > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("initializer [" + tensor.getName() + "] has an invalid dimension " + dim);
            }
            shape[i] = (int) dim;
        }
        return shape;
    }

    static long size(TensorProto tensor) {
        long size = 1;
        for (long dim : tensor.getDimsList()) {
            if (dim < 0) {
                throw new IllegalArgumentException("initializer [" + tensor.getName() + "] has an invalid dimension " + dim);
            }
            try {
                size = Math.multiplyExact(size, dim);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("initializer [" + tensor.getName() + "] has too many elements: " + tensor.getDimsList());
            }
        }
        return size;
    }

    static boolean isFloat(int dataType) {
        return dataType == TensorProto.DataType.FLOAT_VALUE
            || dataType == TensorProto.DataType.FLOAT16_VALUE
            || dataType == TensorProto.DataType.BFLOAT16_VALUE
            || dataType == TensorProto.DataType.DOUBLE_VALUE;
    }

    static boolean isInteger(int dataType) {
        return switch (dataType) {
            case TensorProto.DataType.INT8_VALUE, TensorProto.DataType.UINT8_VALUE, TensorProto.DataType.INT16_VALUE,
                TensorProto.DataType.UINT16_VALUE, TensorProto.DataType.INT32_VALUE, TensorProto.DataType.UINT32_VALUE,
                TensorProto.DataType.INT64_VALUE, TensorProto.DataType.BOOL_VALUE -> true;
            default -> false;
        };
    }

    /** The values of a float-typed tensor as float32. */
    static float[] floats(TensorProto tensor, Path baseDir) throws IOException {
        int n = elementCount(tensor);
        int type = tensor.getDataType();
        ByteBuffer raw = rawBytes(tensor, baseDir);
        float[] out = new float[n];
        switch (type) {
            case TensorProto.DataType.FLOAT_VALUE -> {
                if (raw != null) {
                    expectBytes(tensor, raw, (long) n * 4);
                    raw.asFloatBuffer().get(out);
                } else {
                    expectCount(tensor, tensor.getFloatDataCount(), n, "float_data");
                    for (int i = 0; i < n; i++) {
                        out[i] = tensor.getFloatData(i);
                    }
                }
            }
            case TensorProto.DataType.DOUBLE_VALUE -> {
                if (raw != null) {
                    expectBytes(tensor, raw, (long) n * 8);
                    for (int i = 0; i < n; i++) {
                        out[i] = (float) raw.getDouble();
                    }
                } else {
                    expectCount(tensor, tensor.getDoubleDataCount(), n, "double_data");
                    for (int i = 0; i < n; i++) {
                        out[i] = (float) tensor.getDoubleData(i);
                    }
                }
            }
            case TensorProto.DataType.FLOAT16_VALUE, TensorProto.DataType.BFLOAT16_VALUE -> {
                boolean half = type == TensorProto.DataType.FLOAT16_VALUE;
                if (raw != null) {
                    expectBytes(tensor, raw, (long) n * 2);
                    for (int i = 0; i < n; i++) {
                        out[i] = half16(raw.getShort(), half);
                    }
                } else {
                    // 16-bit floats without raw_data sit one per int32_data entry, in the low bits
                    expectCount(tensor, tensor.getInt32DataCount(), n, "int32_data");
                    for (int i = 0; i < n; i++) {
                        out[i] = half16((short) tensor.getInt32Data(i), half);
                    }
                }
            }
            default -> throw new IllegalArgumentException(
                "initializer [" + tensor.getName() + "] has data type " + typeName(type) + ", expected a float type"
            );
        }
        return out;
    }

    /** The values of an integer-typed (or bool) tensor. */
    static long[] integers(TensorProto tensor, Path baseDir) throws IOException {
        int n = elementCount(tensor);
        int type = tensor.getDataType();
        if (isInteger(type) == false) {
            throw new IllegalArgumentException("initializer [" + tensor.getName() + "] has data type " + typeName(type) + ", expected an integer type");
        }
        ByteBuffer raw = rawBytes(tensor, baseDir);
        long[] out = new long[n];
        if (raw != null) {
            int width = switch (type) {
                case TensorProto.DataType.INT8_VALUE, TensorProto.DataType.UINT8_VALUE, TensorProto.DataType.BOOL_VALUE -> 1;
                case TensorProto.DataType.INT16_VALUE, TensorProto.DataType.UINT16_VALUE -> 2;
                case TensorProto.DataType.INT32_VALUE, TensorProto.DataType.UINT32_VALUE -> 4;
                default -> 8;
            };
            expectBytes(tensor, raw, (long) n * width);
            for (int i = 0; i < n; i++) {
                out[i] = switch (type) {
                    case TensorProto.DataType.INT8_VALUE -> raw.get();
                    case TensorProto.DataType.UINT8_VALUE, TensorProto.DataType.BOOL_VALUE -> raw.get() & 0xFF;
                    case TensorProto.DataType.INT16_VALUE -> raw.getShort();
                    case TensorProto.DataType.UINT16_VALUE -> raw.getShort() & 0xFFFF;
                    case TensorProto.DataType.INT32_VALUE -> raw.getInt();
                    case TensorProto.DataType.UINT32_VALUE -> raw.getInt() & 0xFFFFFFFFL;
                    default -> raw.getLong();
                };
            }
        } else if (type == TensorProto.DataType.INT64_VALUE) {
            expectCount(tensor, tensor.getInt64DataCount(), n, "int64_data");
            for (int i = 0; i < n; i++) {
                out[i] = tensor.getInt64Data(i);
            }
        } else if (type == TensorProto.DataType.UINT32_VALUE) {
            expectCount(tensor, tensor.getUint64DataCount(), n, "uint64_data");
            for (int i = 0; i < n; i++) {
                out[i] = tensor.getUint64Data(i);
            }
        } else {
            expectCount(tensor, tensor.getInt32DataCount(), n, "int32_data");
            for (int i = 0; i < n; i++) {
                int v = tensor.getInt32Data(i);
                out[i] = type == TensorProto.DataType.UINT8_VALUE ? v & 0xFF : type == TensorProto.DataType.UINT16_VALUE ? v & 0xFFFF : v;
            }
        }
        return out;
    }

    static String typeName(int dataType) {
        TensorProto.DataType type = TensorProto.DataType.forNumber(dataType);
        return type == null ? "#" + dataType : type.name();
    }

    private static float half16(short bits, boolean ieeeHalf) {
        return ieeeHalf ? Float.float16ToFloat(bits) : Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    private static int elementCount(TensorProto tensor) {
        long size = size(tensor);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("initializer [" + tensor.getName() + "] has " + size + " elements, more than a Java array holds");
        }
        return (int) size;
    }

    /** raw_data (or the external file's bytes) in little-endian order; null when the values are in a typed field. */
    private static ByteBuffer rawBytes(TensorProto tensor, Path baseDir) throws IOException {
        if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return externalBytes(tensor, baseDir);
        }
        if (tensor.hasRawData() == false) {
            return null;
        }
        ByteString raw = tensor.getRawData();
        return raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer externalBytes(TensorProto tensor, Path baseDir) throws IOException {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto entry : tensor.getExternalDataList()) {
            switch (entry.getKey()) {
                case "location" -> location = entry.getValue();
                case "offset" -> offset = parseLong(tensor, "offset", entry.getValue());
                case "length" -> length = parseLong(tensor, "length", entry.getValue());
                default -> {} // checksum and the like: not needed to read
            }
        }
        if (location == null || baseDir == null) {
            throw new IllegalArgumentException("initializer [" + tensor.getName() + "] is stored in an external file that cannot be located");
        }
        // The location comes from the file: keep it inside the model's folder.
        Path file = baseDir.resolve(location).normalize();
        if (Path.of(location).isAbsolute() || file.startsWith(baseDir.normalize()) == false) {
            throw new IllegalArgumentException("initializer [" + tensor.getName() + "] points outside the model folder: [" + location + "]");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (length < 0) {
                length = fileSize - offset;
            }
            if (offset < 0 || length < 0 || offset + length > fileSize || length > Integer.MAX_VALUE - 8) {
                throw new IOException(
                    "initializer [" + tensor.getName() + "] wants bytes [" + offset + ", " + (offset + length) + ") of [" + location + "], which has "
                        + fileSize + " bytes"
                );
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    throw new IOException("unexpected end of [" + location + "] reading initializer [" + tensor.getName() + "]");
                }
            }
            return buffer.flip().order(ByteOrder.LITTLE_ENDIAN);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("initializer [" + tensor.getName() + "] is stored in [" + location + "], which does not exist beside the model", e);
        }
    }

    private static long parseLong(TensorProto tensor, String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("initializer [" + tensor.getName() + "] has external data " + key + " [" + value + "], not a number");
        }
    }

    private static void expectBytes(TensorProto tensor, ByteBuffer raw, long expected) {
        if (raw.remaining() != expected) {
            throw new IllegalArgumentException(
                "initializer [" + tensor.getName() + "] of shape " + tensor.getDimsList() + " and type " + typeName(tensor.getDataType()) + " needs "
                    + expected + " bytes, has " + raw.remaining()
            );
        }
    }

    private static void expectCount(TensorProto tensor, int actual, int expected, String field) {
        if (actual != expected) {
            throw new IllegalArgumentException(
                "initializer [" + tensor.getName() + "] of shape " + tensor.getDimsList() + " needs " + expected + " values, " + field + " has " + actual
            );
        }
    }
}
