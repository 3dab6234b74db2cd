package io.longdoc.runtime;

import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Locale;

/**
 * ONNX Runtime on this node: started, not yet needed, or unavailable with the reason; and its telemetry
 * ({@link OrtTelemetry}), known once the runtime was first needed.
 */
public record RuntimeStatus(State state, String reason, String telemetry) implements ToXContentObject {

    public enum State {
        NOT_STARTED,
        STARTED,
        UNAVAILABLE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        builder.field("onnxruntime", state.toString());
        if (reason != null) {
            builder.field("reason", reason);
        }
        if (telemetry != null) {
            builder.field("telemetry", telemetry);
        }
        return builder.endObject();
    }
}
