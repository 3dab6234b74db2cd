package io.longdoc.document;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs a document's sections into one binary value so that a shard reads all of a candidate's section vectors
 * with one doc-values lookup (the nested {@code dense_vector} copy serves kNN; this one serves the reader).
 * Layout, little-endian: magic {@code "LDS1"}, int count, int dims, then per section int start, int end and
 * {@code dims} float32.
 */
public final class SectionVectorCodec {

    private static final int MAGIC = 0x3153444C; // "LDS1" read little-endian
    private static final int HEADER_BYTES = 12;

    private SectionVectorCodec() {}

    public static byte[] encode(List<StoredSection> sections) {
        int dims = sections.isEmpty() ? 0 : sections.get(0).vector().length;
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + sections.size() * (8 + 4 * dims)).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(sections.size()).putInt(dims);
        for (StoredSection section : sections) {
            if (section.vector().length != dims) {
                throw new IllegalArgumentException("sections have vectors of " + dims + " and " + section.vector().length + " dims");
            }
            out.putInt(section.start()).putInt(section.end());
            for (float v : section.vector()) {
                out.putFloat(v);
            }
        }
        return out.array();
    }

    /** Decodes a value written by {@link #encode}; anything else fails with a message instead of garbage vectors. */
    public static List<StoredSection> decode(byte[] bytes, int offset, int length) {
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length).slice().order(ByteOrder.LITTLE_ENDIAN);
        if (length < HEADER_BYTES || in.getInt() != MAGIC) {
            throw new IllegalArgumentException("not a longdoc section-vectors value (bad header)");
        }
        int count = in.getInt();
        int dims = in.getInt();
        if (count < 0 || dims < 0 || dims > 8192 || (long) count * (8 + 4L * dims) != length - HEADER_BYTES) {
            throw new IllegalArgumentException("corrupt section-vectors value: " + count + " sections of " + dims + " dims in " + length + " bytes");
        }
        List<StoredSection> sections = new ArrayList<>(count);
        for (int s = 0; s < count; s++) {
            int start = in.getInt();
            int end = in.getInt();
            float[] vector = new float[dims];
            in.asFloatBuffer().get(vector);
            in.position(in.position() + 4 * dims);
            sections.add(new StoredSection(start, end, vector));
        }
        return sections;
    }
}
