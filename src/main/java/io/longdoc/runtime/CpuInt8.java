package io.longdoc.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The int8 dot-product instructions of this node's CPU that ONNX Runtime's u8s8 GEMMs (MLAS) use: AVX-512 VNNI,
 * AVX-VNNI, AMX int8. {@code compile.quantize: auto} runs a model's GEMMs in int8 only where one of them is present;
 * read once from {@code /proc/cpuinfo}'s flags (every core lists the same).
 *
 * @param instructions the ones present, in {@link #FLAGS} order; empty when none or unknown
 * @param unreadable   why the flags could not be read (not Linux, or no access); null when they were
 */
public record CpuInt8(List<String> instructions, String unreadable) {

    public static final List<String> FLAGS = List.of("avx512_vnni", "avx_vnni", "amx_int8");

    public CpuInt8 {
        instructions = List.copyOf(instructions);
    }

    /** This node's CPU. */
    public static CpuInt8 node() {
        return Node.CPU;
    }

    private static final class Node {
        static final CpuInt8 CPU = read(Path.of("/proc/cpuinfo"));
    }

    static CpuInt8 read(Path cpuinfo) {
        try {
            return of(flags(Files.readAllLines(cpuinfo)));
        } catch (Exception e) {
            return new CpuInt8(List.of(), cpuinfo + " is not readable (" + e.getClass().getSimpleName() + ")");
        }
    }

    static CpuInt8 of(Set<String> flags) {
        return new CpuInt8(FLAGS.stream().filter(flags::contains).toList(), null);
    }

    /** The words of the first {@code flags} line of a /proc/cpuinfo; empty when there is none. */
    public static Set<String> flags(List<String> cpuinfo) {
        Set<String> flags = new TreeSet<>();
        cpuinfo.stream()
            .filter(line -> line.startsWith("flags"))
            .findFirst()
            .ifPresent(line -> flags.addAll(Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+"))));
        return flags;
    }

    public boolean present() {
        return instructions.isEmpty() == false;
    }

    /** For reasons: "avx512_vnni, amx_int8", "none of avx512_vnni, avx_vnni, amx_int8", or why unknown. */
    public String describe() {
        if (unreadable != null) {
            return "unknown int8 instructions (" + unreadable + ")";
        }
        return present() ? String.join(", ", instructions) : "none of " + String.join(", ", FLAGS);
    }
}
