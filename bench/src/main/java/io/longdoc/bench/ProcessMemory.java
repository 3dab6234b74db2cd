package io.longdoc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set size of this process from /proc (Linux), and its high-water mark, which can be reset. */
final class ProcessMemory {

    private ProcessMemory() {}

    static long residentBytes() {
        return statusField("VmRSS:");
    }

    static long peakResidentBytes() {
        return statusField("VmHWM:");
    }

    /** Resets VmHWM to the current RSS (writing 5 to clear_refs); false where the kernel does not allow it. */
    static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static long statusField(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("no " + field + " in /proc/self/status");
    }
}
