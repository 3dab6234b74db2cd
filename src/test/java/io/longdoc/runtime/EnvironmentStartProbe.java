package io.longdoc.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;

/**
 * Run in a child JVM by {@link EnvironmentStartTests}: creates ONNX Runtime's environment either through
 * {@link EnvironmentStart} ({@code guarded}) or directly on the main thread ({@code direct}), then exits 0.
 */
public final class EnvironmentStartProbe {

    public static void main(String[] args) {
        OrtEnvironment environment = args[0].equals("guarded")
            ? EnvironmentStart.create(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "probe")
            : OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "probe");
        System.out.println("started " + environment.getVersion() + " with a command line of " + EnvironmentStart.commandLineBytes().getAsLong() + " bytes");
    }
}
