package io.longdoc.runtime;

import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Locale;

/**
 * ONNX Runtime on this node: started, not yet needed, or unavailable with the reason; its telemetry
 * ({@link OrtTelemetry}), known once the runtime was first needed; and the execution provider: the setting, and once
 * the runtime started, the provider in use with the reason {@code auto} fell back to the CPU, or the error that keeps
 * {@code cuda} from running; on CUDA, the device's slots and memory budget once a model was loaded there.
 *
 * @param provider null until the runtime started
 * @param device   null until a model runs on CUDA
 */
public record RuntimeStatus(
    State state,
    String reason,
    String telemetry,
    ExecutionProviderSetting providerSetting,
    ProviderSelection.Result provider,
    Device device
) implements ToXContentObject {

    /**
     * The GPU passes run on: {@code longdoc.cuda.concurrent_passes} and how many run now, the memory budget
     * ({@code longdoc.cuda.memory_budget}) with what is reserved now and where its size came from.
     */
    public record Device(int deviceId, int slots, int slotsInUse, long memoryBudgetBytes, long memoryReservedBytes, String memoryBudgetSource) {}

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
        if (device != null) {
            builder.startObject("cuda");
            builder.field("device_id", device.deviceId());
            builder.field("concurrent_passes", device.slots());
            builder.field("passes_running", device.slotsInUse());
            builder.field("memory_budget_bytes", device.memoryBudgetBytes());
            builder.field("memory_reserved_bytes", device.memoryReservedBytes());
            builder.field("memory_budget_source", device.memoryBudgetSource());
            builder.endObject();
        }
        builder.endObject();
        return builder.endObject();
    }
}
