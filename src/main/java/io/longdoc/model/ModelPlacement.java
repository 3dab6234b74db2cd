package io.longdoc.model;

import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;

/**
 * Where a loaded model runs, for {@code GET _longdoc/models}: the execution provider and device, the precision, where
 * its fused attention op runs, and every reason something runs other than as asked (auto's CPU fallback, fp16 run as
 * fp32). The fused kernel's own fallback to standard ops stays in {@link AttentionKernel}.
 *
 * @param provider        {@code cpu} or {@code cuda}
 * @param device          {@code cpu} or {@code cuda:<id>}
 * @param precision       {@code fp32}, {@code fp16}, or {@code as_exported} for a ready ONNX file
 * @param fusedOp         where the {@code longdoc.SparseAttention} nodes run ({@code cpu}, or {@code cuda} once the
 *                        placement check passed); null when the model has none
 * @param fallbackReasons empty when everything runs as asked
 */
public record ModelPlacement(String provider, String device, String precision, String fusedOp, List<String> fallbackReasons)
    implements
        ToXContentObject {

    public ModelPlacement {
        fallbackReasons = List.copyOf(fallbackReasons);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        builder.field("execution_provider", provider);
        builder.field("device", device);
        builder.field("precision", precision);
        if (fusedOp != null) {
            builder.field("fused_op", fusedOp);
        }
        if (fallbackReasons.isEmpty() == false) {
            builder.field("fallback_reasons", fallbackReasons);
        }
        return builder.endObject();
    }
}
