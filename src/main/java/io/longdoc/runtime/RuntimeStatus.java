package io.longdoc.runtime;

import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Locale;

/**
 * ONNX Runtime on this node: started, not yet needed, or unavailable with the reason; its telemetry
 * ({@link OrtTelemetry}), known once the runtime was first needed; and the execution provider: the setting, and once
 * the runtime started, the provider in use with the reason {@code auto} fell back to the CPU, or the error that keeps
 * {@code cuda} from running.
 *
 * @param provider null until the runtime started
 */
public record RuntimeStatus(State state, String reason, String telemetry, ExecutionProviderSetting providerSetting, ProviderSelection.Result provider)
    implements
        ToXContentObject {

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
        builder.startObject("execution_provider");
        builder.field("setting", providerSetting.toString());
        if (provider != null) {
            builder.field("in_use", provider.usable() ? provider.provider().toString() : "none");
            if (provider.reason() != null) {
                builder.field("reason", provider.reason());
            }
            if (provider.error() != null) {
                builder.field("error", provider.error());
            }
        }
        builder.endObject();
        return builder.endObject();
    }
}
