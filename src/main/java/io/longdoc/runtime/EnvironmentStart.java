package io.longdoc.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Creates ONNX Runtime's environment only where its native start-up cannot take the JVM down, and otherwise says why.
 *
 * <p>ONNX Runtime 1.29's Linux build starts Microsoft's 1DS telemetry SDK inside {@code CreateEnv}; the SDK reads
 * {@code /proc/self/cmdline} and matches it with {@code std::regex("(.*)[ ]*.*[\n]*")}, whose libstdc++ executor
 * recurses once per character (≈ 256 bytes of stack each). On Elasticsearch's 1 MiB thread stacks ({@code -Xss1m}) a
 * command line of ≈ 3.9 KB overflows into the guard page: SIGSEGV, no crash log, the node gone. {@link OrtTelemetry}
 * turns the telemetry off before the library loads, which removes that path. Where it stays on (the operator set
 * {@code ORT_DISABLE_TELEMETRY=0}, or the variable could not be set), a command line longer than
 * {@link #MAX_COMMAND_LINE_WITH_TELEMETRY} bytes — or one that cannot be measured — refuses ONNX Runtime instead.
 *
 * <p>ONNX Runtime's Java loader also creates a folder in {@code java.io.tmpdir} before it loads its libraries, even
 * when they are named by path, and fails for good (an {@link ExceptionInInitializerError}) when it cannot; a temp dir
 * removed under a running node (a tmp cleaner) is refused with that reason rather than poisoning the class.
 */
final class EnvironmentStart {

    /** The longest command line started with telemetry on: the crash point on a 1 MiB stack is ≈ 3.9 KB. */
    static final long MAX_COMMAND_LINE_WITH_TELEMETRY = 3_000;

    private static final Path COMMAND_LINE = Path.of("/proc/self/cmdline");

    private EnvironmentStart() {}

    /**
     * The size of this process's command line as ONNX Runtime reads it (arguments NUL-terminated): exact, or at least
     * {@code bytes}. The JDK's process API reads it natively but reports the arguments only when the whole command line
     * fits in one page (4,096 bytes); past that it says only that they are longer. The file is read only where the
     * process API knows nothing (Elasticsearch's entitlements do not let a plugin read {@code /proc}).
     */
    record CommandLine(long bytes, boolean exact) {
        static final long PAGE = 4096;

        static CommandLine exactly(long bytes) {
            return new CommandLine(bytes, true);
        }

        static CommandLine longerThanAPage() {
            return new CommandLine(PAGE + 1, false);
        }

        @Override
        public String toString() {
            return exact ? bytes + " bytes" : "longer than " + PAGE + " bytes";
        }
    }

    /** This process's command line; empty when it cannot be measured at all. */
    static Optional<CommandLine> commandLine() {
        try {
            ProcessHandle.Info info = ProcessHandle.current().info();
            Optional<String> command = info.command();
            Optional<String[]> arguments = info.arguments();
            if (command.isPresent() && arguments.isPresent()) {
                long bytes = command.get().getBytes(StandardCharsets.UTF_8).length + 1;
                for (String argument : arguments.get()) {
                    bytes += argument.getBytes(StandardCharsets.UTF_8).length + 1;
                }
                return Optional.of(CommandLine.exactly(bytes));
            }
            if (command.isPresent()) {
                return Optional.of(CommandLine.longerThanAPage());
            }
        } catch (RuntimeException e) {
            // fall through to the file
        }
        try {
            return Optional.of(CommandLine.exactly(Files.readAllBytes(COMMAND_LINE).length));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** Why ONNX Runtime must not be loaded in this process, or null when it may. */
    static String refusal(OrtTelemetry.State telemetry, Optional<CommandLine> commandLine, Path tempDir) {
        if (telemetry.isOn()) {
            String fix = "; ONNX Runtime 1.29 parses it recursively when it starts and crashes the JVM when it is longer than "
                + "≈ 3.9 KB, so longdoc starts it only up to "
                + MAX_COMMAND_LINE_WITH_TELEMETRY
                + " bytes: set ORT_DISABLE_TELEMETRY=1 in the node's environment, or shorten ES_JAVA_OPTS";
            if (commandLine.isEmpty()) {
                return "ONNX Runtime's telemetry is on (" + telemetry + ") and this node's command line cannot be measured" + fix;
            }
            if (commandLine.get().bytes() > MAX_COMMAND_LINE_WITH_TELEMETRY) {
                return "ONNX Runtime's telemetry is on (" + telemetry + ") and this node's command line is " + commandLine.get() + fix;
            }
        }
        if (tempDir == null || Files.isDirectory(tempDir) == false || Files.isWritable(tempDir) == false) {
            return "the node's temp dir [java.io.tmpdir] is missing or not writable; ONNX Runtime's Java loader creates a "
                + "folder there before it loads its libraries (restart the node with a writable ES_TMPDIR)";
        }
        return null;
    }

    /**
     * Creates the environment, or throws {@link OrtUnavailableException} with the reason when ONNX Runtime is refused
     * or fails to start.
     */
    static OrtEnvironment create(OrtTelemetry.State telemetry, OrtLoggingLevel level, String name) {
        String refusal = refusal(telemetry, commandLine(), Path.of(System.getProperty("java.io.tmpdir", "")));
        if (refusal != null) {
            throw new OrtUnavailableException(refusal, null);
        }
        try {
            return OrtEnvironment.getEnvironment(level, name);
        } catch (Exception | LinkageError e) {
            Throwable root = e.getCause() != null ? e.getCause() : e;
            throw new OrtUnavailableException("ONNX Runtime failed to start: " + root, e);
        }
    }
}
