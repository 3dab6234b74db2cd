package io.longdoc.bench;

import ai.onnxruntime.OrtEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a run was made on, as the report prints it: numbers from another machine are not comparable. */
record Machine(int cores, String cpu, String opIsa, String int8Features, double memoryGib, String os, String jdk, String ortVersion) {

    static Machine describe() {
        Cpu cpu = Cpu.read();
        return new Machine(
            Runtime.getRuntime().availableProcessors(),
            cpu.model(),
            cpu.isa(),
            cpu.int8Features(),
            memTotalKib() / (1024.0 * 1024.0),
            System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
            System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
            OrtEnvironment.getEnvironment().getVersion()
        );
    }

    /** MemTotal of /proc/meminfo; -1 where it cannot be read. */
    private static long memTotalKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.substring("MemTotal:".length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
