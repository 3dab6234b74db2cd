package io.longdoc.model;

import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;

/**
 * How a loaded model computes attention: as its ready ONNX file does, with the fused onnx-ops kernel, or with
 * standard ONNX ops (and, when the spec asked for the fused kernel, why it is not used).
 */
public record AttentionKernel(String name, String fallbackReason) implements ToXContentObject {

    public static final AttentionKernel AS_EXPORTED = new AttentionKernel("as_exported", null);
    public static final AttentionKernel FUSED = new AttentionKernel("fused", null);

    public static AttentionKernel standard(String fallbackReason) {
        return new AttentionKernel("standard_ops", fallbackReason);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        builder.field("kernel", name);
        if (fallbackReason != null) {
            builder.field("fallback_reason", fallbackReason);
        }
        return builder.endObject();
    }
}
