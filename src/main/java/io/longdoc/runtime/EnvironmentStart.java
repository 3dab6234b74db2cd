package io.longdoc.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Creates ONNX Runtime's environment without letting its native start-up take the JVM down.
 *
 * <p>ONNX Runtime 1.29's Linux build starts its telemetry (the 1DS C++ SDK) when the environment is created, and that
 * reads {@code /proc/self/cmdline} and parses it with recursion about 256 bytes of stack deep per byte of command line.
 * On a Java thread's default 1 MiB stack a command line of ≈ 3.9 KB overflows into the guard page: SIGSEGV, no crash
 * log, the whole node gone. Elasticsearch 9.2's own command line is ≈ 2.1 KB, so a few {@code ES_JAVA_OPTS} are enough.
 * The environment is therefore created on a thread of its own whose stack is sized from the command line's length,
 * with twice the depth measured. Past {@link #MAX_STACK_BYTES} (a command line over ≈ 2 MB, more than Linux's default
 * {@code ARG_MAX} lets a process start with) ONNX Runtime is refused rather than risked.
 *
 * <p>The other ways in are checked first, each turned into a reason instead of a crash or a poisoned class: ONNX
 * Runtime's Java loader creates a folder in {@code java.io.tmpdir} even when its libraries are named by path, and
 * fails for good (an {@link ExceptionInInitializerError}) when it cannot.
 */
final class EnvironmentStart {

    /** Stack per byte of command line: twice the ≈ 256 bytes measured (3.9 KB crashed on 1 MiB, 1.9 MB on 256 MiB). */
    static final long STACK_BYTES_PER_COMMAND_LINE_BYTE = 512;
    /** Room for everything else the native start-up does. */
    static final long BASE_STACK_BYTES = 16L << 20;
    /** The largest stack asked for; it is reserved address space, touched only as deep as the recursion goes. */
    static final long MAX_STACK_BYTES = 1L << 30;
    /** When the command line cannot be read, ONNX Runtime cannot read it either; this covers Linux's default ARG_MAX. */
    static final long UNKNOWN_COMMAND_LINE_STACK_BYTES = MAX_STACK_BYTES;

    private static final Path COMMAND_LINE = Path.of("/proc/self/cmdline");

    private EnvironmentStart() {}

    /** The stack the start-up thread needs for a command line of this many bytes, or empty when it is beyond the cap. */
    static OptionalLong stackFor(OptionalLong commandLineBytes) {
        if (commandLineBytes.isEmpty()) {
            return OptionalLong.of(UNKNOWN_COMMAND_LINE_STACK_BYTES);
        }
        long bytes = commandLineBytes.getAsLong();
        if (bytes > (MAX_STACK_BYTES - BASE_STACK_BYTES) / STACK_BYTES_PER_COMMAND_LINE_BYTE) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(BASE_STACK_BYTES + bytes * STACK_BYTES_PER_COMMAND_LINE_BYTE);
    }

    /** The largest command line the start-up thread can be sized for. */
    static long maxCommandLineBytes() {
        return (MAX_STACK_BYTES - BASE_STACK_BYTES) / STACK_BYTES_PER_COMMAND_LINE_BYTE;
    }

    /** This process's command line in bytes, as ONNX Runtime reads it; empty where {@code /proc} cannot be read. */
    static OptionalLong commandLineBytes() {
        try (InputStream in = Files.newInputStream(COMMAND_LINE)) {
            long total = 0;
            byte[] buffer = new byte[8192];
            for (int read; (read = in.read(buffer)) != -1;) {
                total += read;
            }
            return OptionalLong.of(total);
        } catch (IOException | SecurityException e) {
            return OptionalLong.empty();
        }
    }

    /** Why ONNX Runtime must not be loaded in this process, or null when it may. */
    static String refusal(OptionalLong commandLineBytes, Path tempDir) {
        if (stackFor(commandLineBytes).isEmpty()) {
            return "this node's command line is "
                + commandLineBytes.getAsLong()
                + " bytes; ONNX Runtime 1.29 parses it recursively when it starts (about 256 bytes of stack per byte) and "
                + "longdoc starts it only for command lines up to "
                + maxCommandLineBytes()
                + " bytes: shorten ES_JAVA_OPTS or the install path";
        }
        if (tempDir == null || Files.isDirectory(tempDir) == false || Files.isWritable(tempDir) == false) {
            return "the node's temp dir [java.io.tmpdir] is not a writable folder; ONNX Runtime's Java loader creates a "
                + "folder there before it loads its libraries (set ES_TMPDIR to a writable folder)";
        }
        return null;
    }

    /**
     * Creates the environment on a thread sized for this process's command line. Throws
     * {@link OrtUnavailableException} with the reason when ONNX Runtime is refused or fails to start.
     */
    static OrtEnvironment create(OrtLoggingLevel level, String name) {
        OptionalLong commandLine = commandLineBytes();
        String refusal = refusal(commandLine, Path.of(System.getProperty("java.io.tmpdir", "")));
        if (refusal != null) {
            throw new OrtUnavailableException(refusal, null);
        }
        long stack = stackFor(commandLine).getAsLong();
        AtomicReference<OrtEnvironment> created = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Runnable start = () -> {
            try {
                created.set(OrtEnvironment.getEnvironment(level, name));
            } catch (Exception | LinkageError e) {
                failed.set(e);
            }
        };
        try {
            Thread thread = new Thread(null, start, "longdoc-onnxruntime-start", stack);
            thread.start();
            thread.join();
        } catch (OutOfMemoryError e) {
            // a stack this large could not be reserved (a strict overcommit policy or address-space limit)
            throw new OrtUnavailableException(
                "a thread with a " + (stack >> 20) + " MiB stack could not be started for ONNX Runtime's start-up: " + e.getMessage(),
                e
            );
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrtUnavailableException("interrupted while ONNX Runtime started", e);
        }
        if (failed.get() != null) {
            Throwable cause = failed.get();
            Throwable root = cause.getCause() != null ? cause.getCause() : cause;
            throw new OrtUnavailableException("ONNX Runtime failed to start: " + root, cause);
        }
        return created.get();
    }
}
