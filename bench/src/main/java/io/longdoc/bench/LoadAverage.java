package io.longdoc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's load average (1, 5 and 15 minutes, /proc/loadavg) at one moment. Taken at the start and the end of a
 * run and printed with the results: above the core count, other processes shared the CPU and every time is slower.
 */
record LoadAverage(String oneFiveFifteen) {

    static LoadAverage now() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new LoadAverage(fields[0] + " " + fields[1] + " " + fields[2]);
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return new LoadAverage("unknown");
        }
    }

    @Override
    public String toString() {
        return oneFiveFifteen;
    }
}
