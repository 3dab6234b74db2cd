package io.longdoc.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The CPU as /proc/cpuinfo names it, and what the op's run-time dispatch (onnx-ops/src/cpu/tile_kernels_select.cc)
 * will pick: AVX-512F, else AVX2 + FMA, else generic. The library does not log its choice, so this reads the same flags.
 */
record Cpu(String model, Set<String> flags) {
    static Cpu read() {
        String model = "unknown";
        Set<String> flags = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("flags") && flags.isEmpty()) {
                    flags.addAll(Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
                }
            }
        } catch (Exception e) {
            model = "unknown (/proc/cpuinfo not readable: " + e.getMessage() + ")";
        }
        return new Cpu(model, flags);
    }

    String isa() {
        if (flags.isEmpty()) {
            return "unknown";
        }
        if (flags.contains("avx512f")) {
            return "avx512";
        }
        return flags.contains("avx2") && flags.contains("fma") ? "avx2" : "generic";
    }

    /**
     * The int8 instructions MLAS can use for ONNX Runtime's u8s8 GEMMs: AVX-512 VNNI, AVX-VNNI, AMX int8 (AMX also
     * needs the kernel to grant the tile state; MLAS checks that itself).
     */
    String int8Features() {
        if (flags.isEmpty()) {
            return "unknown";
        }
        List<String> present = INT8_FLAGS.stream().filter(flags::contains).toList();
        return present.isEmpty() ? "none (no VNNI, no AMX)" : String.join(", ", present);
    }

    static final List<String> INT8_FLAGS = List.of("avx512_vnni", "avx_vnni", "amx_int8");

    String describe() {
        return String.format(Locale.ROOT, "%s, %d cores; avx512f=%s avx2=%s fma=%s → op ISA variant %s (inferred from the library's dispatch rule; "
            + "it does not log it)", model, Runtime.getRuntime().availableProcessors(), yes(flags.contains("avx512f")), yes(flags.contains("avx2")),
            yes(flags.contains("fma")), isa());
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }
}
