package io.longdoc.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX Runtime 1.29's telemetry overflows a 1 MiB thread stack while it parses a long command line at environment
 * creation. longdoc turns the telemetry off ({@link OrtTelemetry}) and, where it stays on, refuses a long command line
 * ({@link EnvironmentStart}). The child-JVM tests run the real library with a padded command line: directly (the
 * crash, SIGSEGV = exit 139, which proves the padding reaches the faulty path), and guarded in each telemetry state.
 */
class EnvironmentStartTests {

    private static final int SIGSEGV_EXIT = 128 + 11;
    private static final int REFUSED_EXIT = 3;

    @Test
    void refusesALongCommandLineOnlyWhileTelemetryIsOn(@TempDir Path temp) {
        long limit = EnvironmentStart.MAX_COMMAND_LINE_WITH_TELEMETRY;
        for (OrtTelemetry.State on : List.of(OrtTelemetry.State.ENABLED, OrtTelemetry.State.ENABLED_BY_OPERATOR)) {
            String reason = EnvironmentStart.refusal(on, exactly(limit + 1), temp);
            assertTrue(reason.contains("is " + (limit + 1) + " bytes") && reason.contains("up to " + limit + " bytes"), reason);
            assertTrue(reason.contains("ORT_DISABLE_TELEMETRY=1"), "says how to fix it: " + reason);
            String longer = EnvironmentStart.refusal(on, Optional.of(EnvironmentStart.CommandLine.longerThanAPage()), temp);
            assertTrue(longer.contains("is longer than 4096 bytes") && longer.contains("up to " + limit + " bytes"), longer);
            assertNull(EnvironmentStart.refusal(on, exactly(limit), temp));
            assertTrue(EnvironmentStart.refusal(on, Optional.empty(), temp).contains("cannot be measured"));
        }
        for (OrtTelemetry.State off : List.of(OrtTelemetry.State.DISABLED, OrtTelemetry.State.DISABLED_BY_OPERATOR)) {
            assertNull(EnvironmentStart.refusal(off, exactly(1_000_000), temp));
            assertNull(EnvironmentStart.refusal(off, Optional.empty(), temp));
        }
    }

    private static Optional<EnvironmentStart.CommandLine> exactly(long bytes) {
        return Optional.of(EnvironmentStart.CommandLine.exactly(bytes));
    }

    @Test
    void refusesATempDirItCannotWrite(@TempDir Path temp) throws IOException {
        assertTrue(EnvironmentStart.refusal(OrtTelemetry.State.DISABLED, exactly(100), temp.resolve("missing")).contains("java.io.tmpdir"));
        Path file = Files.writeString(temp.resolve("a-file"), "x");
        assertTrue(EnvironmentStart.refusal(OrtTelemetry.State.DISABLED, exactly(100), file).contains("java.io.tmpdir"));
    }

    @Test
    void measuresTheCommandLineAsTheKernelHoldsItOrKnowsItIsLongerThanAPage() throws IOException {
        EnvironmentStart.CommandLine measured = EnvironmentStart.commandLine().orElseThrow();
        long actual = Files.readAllBytes(Path.of("/proc/self/cmdline")).length;
        if (actual <= EnvironmentStart.CommandLine.PAGE) {
            assertEquals(EnvironmentStart.CommandLine.exactly(actual), measured);
        } else {
            assertEquals(EnvironmentStart.CommandLine.longerThanAPage(), measured, "the JDK reports no arguments past a page: " + actual);
        }
    }

    @Test
    void aLongCommandLineCrashesOnnxRuntimeStartedDirectly() throws Exception {
        Child direct = probe("direct", 5_000, null);
        assertEquals(SIGSEGV_EXIT, direct.exit(), "ONNX Runtime 1.29 itself, padded to 5 KB (if this starts, the bug is fixed upstream): " + direct.output());
    }

    @Test
    void guardedItTurnsTelemetryOffStartsAndWritesNoTelemetryLog() throws Exception {
        Child off = probe("guarded", 120_000, null); // one argument may be at most 128 KiB on Linux
        assertEquals(0, off.exit(), off.output());
        assertTrue(off.line().endsWith("telemetry disabled"), off.line());
        assertTrue(off.line().contains("cmdline longer than 4096 bytes"), off.line());
        assertFalse(Files.exists(Path.of("/tmp/mat-debug-" + off.pid() + ".log")), "the 1DS SDK did not start: " + off.line());

        Child on = probe("direct", 10, null);
        assertEquals(0, on.exit(), on.output());
        Path log = Path.of("/tmp/mat-debug-" + on.pid() + ".log");
        assertTrue(Files.exists(log), "control: with telemetry on, the SDK writes its log");
        Files.deleteIfExists(log);
    }

    @Test
    void guardedItKeepsTheOperatorsSettingAndRefusesWhereTelemetryWouldCrash() throws Exception {
        Child refused = probe("guarded", 5_000, "0"); // the operator keeps telemetry on
        assertEquals(REFUSED_EXIT, refused.exit(), "refused, not crashed: " + refused.output());
        assertTrue(refused.output().contains("ORT_DISABLE_TELEMETRY=1"), refused.output());

        Child shortLine = probe("guarded", 10, "0");
        assertEquals(0, shortLine.exit(), shortLine.output());
        assertTrue(shortLine.line().endsWith("telemetry enabled_by_operator"), shortLine.line());
        Files.deleteIfExists(Path.of("/tmp/mat-debug-" + shortLine.pid() + ".log"));

        Child operatorOff = probe("guarded", 5_000, "yes");
        assertEquals(0, operatorOff.exit(), operatorOff.output());
        assertTrue(operatorOff.line().endsWith("telemetry disabled_by_operator"), operatorOff.line());
        assertTrue(OrtTelemetry.meansDisabled(" TRUE ") && OrtTelemetry.meansDisabled("1"));
        assertFalse(OrtTelemetry.meansDisabled("0") || OrtTelemetry.meansDisabled("off"));
    }

    @Test
    void aCiRunnersVariableKeepsOnnxRuntimesTelemetryOffByItself() throws Exception {
        Child direct = probe("direct", 5_000, null, Map.of("CI", "true"));
        assertEquals(0, direct.exit(), "ONNX Runtime skips its telemetry under CI=true: " + direct.output());
        assertFalse(Files.exists(Path.of("/tmp/mat-debug-" + direct.pid() + ".log")), direct.line());

        Child crashed = probe("direct", 5_000, null, Map.of("CI", "false"));
        assertEquals(SIGSEGV_EXIT, crashed.exit(), "CI=false does not count: " + crashed.output());

        Child guarded = probe("guarded", 5_000, "0", Map.of("JENKINS_URL", "http://ci.example"));
        assertEquals(0, guarded.exit(), "not refused where ONNX Runtime skips telemetry itself: " + guarded.output());
        assertTrue(guarded.line().endsWith("telemetry suppressed_by_runtime"), guarded.line());

        assertEquals(Optional.of("CI"), OrtTelemetry.suppressingVariable(Map.of("CI", " yes ")));
        assertEquals(Optional.of("ORT_RUNNING_UNIT_TESTS"), OrtTelemetry.suppressingVariable(Map.of("CI", "off", "ORT_RUNNING_UNIT_TESTS", "1")));
        for (String notSet : List.of("", " ", "0", "false", "No", "OFF")) {
            assertEquals(Optional.empty(), OrtTelemetry.suppressingVariable(Map.of("TRAVIS", notSet)), "TRAVIS='" + notSet + "'");
        }
    }

    private record Child(int exit, String output) {
        String line() {
            return output.lines().filter(l -> l.startsWith("started")).findFirst().orElse("(no start line) " + output);
        }

        long pid() {
            return Long.parseLong(line().replaceAll(".* pid (\\d+) .*", "$1"));
        }

    }

    /**
     * A child JVM padded by {@code padding} characters, with {@code ORT_DISABLE_TELEMETRY} unset (null) or set. The
     * class path goes through an argument file, which the kernel's copy of the command line does not contain, so the
     * padding alone decides how long it is.
     */
    private static Child probe(String mode, int padding, String telemetryVariable) throws Exception {
        return probe(mode, padding, telemetryVariable, Map.of());
    }

    private static Child probe(String mode, int padding, String telemetryVariable, Map<String, String> extraEnvironment) throws Exception {
        Path argFile = Files.createTempFile("probe-classpath", ".args");
        Files.writeString(argFile, "-cp \"" + System.getProperty("java.class.path") + "\"");
        argFile.toFile().deleteOnExit();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("@" + argFile);
        command.add("-Dlongdoc.test.padding=" + "p".repeat(padding));
        command.add(EnvironmentStartProbe.class.getName());
        command.add(mode);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove(OrtTelemetry.VARIABLE);
        // a CI runner's markers make ONNX Runtime skip its telemetry by itself: the child sees what a server sees
        OrtTelemetry.RUNTIME_SUPPRESSING_VARIABLES.forEach(builder.environment()::remove);
        builder.environment().putAll(extraEnvironment);
        // with telemetry on, the SDK keeps a device id and an event store under $HOME: not in the user's
        builder.environment().put("HOME", Files.createTempDirectory("probe-home").toString());
        if (telemetryVariable != null) {
            builder.environment().put(OrtTelemetry.VARIABLE, telemetryVariable);
        }
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the child JVM finishes");
        return new Child(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
