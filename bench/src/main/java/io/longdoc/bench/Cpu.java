package io.longdoc.bench;

import io.longdoc.runtime.CpuInt8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The CPU as /proc/cpuinfo names it, and what the op's run-time dispatch (onnx-ops/src/cpu/tile_kernels_select.cc)
 * will pick: AVX-512F, else AVX2 + FMA, else generic. The library does not log its choice, so this reads the same flags.
 */
record Cpu(String model, Set<String> flags) {
    static Cpu read() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            String model = lines.stream()
                .filter(line -> line.startsWith("model name"))
                .findFirst()
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .orElse("unknown");
            return new Cpu(model, CpuInt8.flags(lines));
        } catch (Exception e) {
            return new Cpu("unknown (/proc/cpuinfo not readable: " + e.getMessage() + ")", Set.of());
        }
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
        List<String> present = CpuInt8.FLAGS.stream().filter(flags::contains).toList();
        return present.isEmpty() ? "none (no VNNI, no AMX)" : String.join(", ", present);
    }

    String describe() {
        return String.format(Locale.ROOT, "%s, %d cores; avx512f=%s avx2=%s fma=%s → op ISA variant %s (inferred from the library's dispatch rule; "
            + "it does not log it)", model, Runtime.getRuntime().availableProcessors(), yes(flags.contains("avx512f")), yes(flags.contains("avx2")),
            yes(flags.contains("fma")), isa());
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }
}
