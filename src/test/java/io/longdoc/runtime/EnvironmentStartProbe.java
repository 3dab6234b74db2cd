package io.longdoc.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;

/**
 * Run in a child JVM by {@link EnvironmentStartTests}. Creates ONNX Runtime's environment {@code direct}ly (as its own
 * API does) or {@code guarded} (as {@link OrtRuntime} does: telemetry off, then {@link EnvironmentStart}); prints one
 * line — started, or refused with the reason — and exits 0 (3 when refused).
 */
public final class EnvironmentStartProbe {

    public static void main(String[] args) {
        new io.longdoc.EsLoggingSetup().launcherSessionOpened(null); // Elasticsearch's exceptions log when created
        String telemetry = "untouched";
        OrtEnvironment environment;
        if (args[0].equals("direct")) {
            environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "probe");
        } else {
            OrtTelemetry.State state = OrtTelemetry.disableBeforeLoad();
            telemetry = state.toString();
            try {
                environment = EnvironmentStart.create(state, OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "probe");
            } catch (OrtUnavailableException e) {
                System.out.println("refused: " + e.getMessage());
                System.exit(3);
                return;
            }
        }
        System.out.println(
            "started " + environment.getVersion() + " pid " + ProcessHandle.current().pid() + " cmdline "
                + EnvironmentStart.commandLine().orElseThrow() + " telemetry " + telemetry
        );
    }
}
