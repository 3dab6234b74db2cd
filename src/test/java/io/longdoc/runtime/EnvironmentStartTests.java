package io.longdoc.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX Runtime 1.29 overflows a default thread stack while it parses a long command line at environment creation;
 * {@link EnvironmentStart} sizes a thread for it. The child-JVM tests run the real library with a padded command
 * line, both ways: directly (the crash, SIGSEGV = exit 139, which proves the padding reaches the faulty path) and
 * guarded (started).
 */
class EnvironmentStartTests {

    private static final int SIGSEGV_EXIT = 128 + 11;

    @Test
    void theStackGrowsWithTheCommandLineAndHasACap() {
        long base = EnvironmentStart.BASE_STACK_BYTES;
        assertEquals(base + 4_000 * 512L, EnvironmentStart.stackFor(OptionalLong.of(4_000)).getAsLong());
        assertEquals(base, EnvironmentStart.stackFor(OptionalLong.of(0)).getAsLong());
        long max = EnvironmentStart.maxCommandLineBytes();
        assertTrue(max > 2_000_000, "covers Linux's default ARG_MAX of 2 MB: " + max);
        assertTrue(EnvironmentStart.stackFor(OptionalLong.of(max)).getAsLong() <= EnvironmentStart.MAX_STACK_BYTES);
        assertTrue(EnvironmentStart.stackFor(OptionalLong.of(max + 1)).isEmpty(), "past the cap: refused");
        assertEquals(EnvironmentStart.MAX_STACK_BYTES, EnvironmentStart.stackFor(OptionalLong.empty()).getAsLong(), "unreadable: the most");
    }

    @Test
    void refusesACommandLinePastTheCapAndSaysTheLimit(@TempDir Path temp) {
        long tooLong = EnvironmentStart.maxCommandLineBytes() + 1;
        String reason = EnvironmentStart.refusal(OptionalLong.of(tooLong), temp);
        assertNotNull(reason);
        assertTrue(reason.contains(tooLong + " bytes") && reason.contains(EnvironmentStart.maxCommandLineBytes() + " bytes"), reason);
        assertNull(EnvironmentStart.refusal(OptionalLong.of(5_000), temp));
        assertNull(EnvironmentStart.refusal(OptionalLong.empty(), temp));
    }

    @Test
    void refusesATempDirItCannotWrite(@TempDir Path temp) throws IOException {
        Path missing = temp.resolve("missing");
        assertTrue(EnvironmentStart.refusal(OptionalLong.of(100), missing).contains("java.io.tmpdir"));
        Path file = Files.writeString(temp.resolve("a-file"), "x");
        assertTrue(EnvironmentStart.refusal(OptionalLong.of(100), file).contains("java.io.tmpdir"));
    }

    @Test
    void readsThisProcesssCommandLine() {
        long bytes = EnvironmentStart.commandLineBytes().orElseThrow();
        String javaCommand = ProcessHandle.current().info().command().orElseThrow();
        assertTrue(bytes > javaCommand.length(), bytes + " bytes, the java binary alone is " + javaCommand.length());
    }

    @Test
    void aLongCommandLineCrashesOnTheDefaultStackAndStartsGuarded() throws Exception {
        Child direct = probe("direct", 5_000);
        assertEquals(SIGSEGV_EXIT, direct.exit(), "ONNX Runtime 1.29 itself, padded to 5 KB (if this starts, the bug is fixed upstream): " + direct.output());
        Child guarded = probe("guarded", 5_000);
        assertEquals(0, guarded.exit(), guarded.output());
        assertTrue(guarded.output().contains("started"), guarded.output());
    }

    @Test
    void startsGuardedWithAVeryLongCommandLine() throws Exception {
        Child guarded = probe("guarded", 120_000); // one argument may be at most 128 KiB on Linux
        assertEquals(0, guarded.exit(), guarded.output());
        String line = guarded.output().lines().filter(l -> l.startsWith("started")).findFirst().orElseThrow();
        long bytes = Long.parseLong(line.replaceAll(".* of (\\d+) bytes", "$1"));
        assertTrue(bytes > 120_000, line);
    }

    private record Child(int exit, String output) {}

    private static Child probe(String mode, int padding) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Dlongdoc.test.padding=" + "p".repeat(padding));
        command.add(EnvironmentStartProbe.class.getName());
        command.add(mode);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the child JVM finishes");
        return new Child(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
