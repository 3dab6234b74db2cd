package io.longdoc.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuInt8Tests {

    @Test
    void theInt8InstructionsAreReadFromTheFirstFlagsLine(@TempDir Path dir) throws Exception {
        Path cpuinfo = Files.writeString(dir.resolve("cpuinfo"), """
            processor\t: 0
            model name\t: Intel(R) Xeon(R) Processor
            flags\t\t: fpu sse2 avx2 fma avx512f amx_int8 avx512_vnni avx512_bf16
            processor\t: 1
            flags\t\t: fpu sse2 avx_vnni
            """);
        CpuInt8 cpu = CpuInt8.read(cpuinfo);
        assertEquals(List.of("avx512_vnni", "amx_int8"), cpu.instructions(), "in FLAGS order, from the first core only");
        assertTrue(cpu.present());
        assertNull(cpu.unreadable());
        assertEquals("avx512_vnni, amx_int8", cpu.describe());
    }

    @Test
    void aCpuWithoutVnniHasNone(@TempDir Path dir) throws Exception {
        // avx512_vnni must match as a whole word: avx512_vnnix is not it
        CpuInt8 cpu = CpuInt8.read(Files.writeString(dir.resolve("cpuinfo"), "flags\t: avx2 fma avx512f avx512_vnnix avx512_bf16\n"));
        assertFalse(cpu.present());
        assertEquals("none of avx512_vnni, avx_vnni, amx_int8", cpu.describe());
        assertFalse(CpuInt8.read(Files.writeString(dir.resolve("empty"), "")).present());
    }

    @Test
    void anUnreadableFileIsUnknownNotAnError(@TempDir Path dir) {
        CpuInt8 cpu = CpuInt8.read(dir.resolve("absent"));
        assertFalse(cpu.present());
        assertTrue(cpu.describe().startsWith("unknown int8 instructions (") && cpu.describe().contains("absent"), cpu.describe());
    }

    @Test
    void thisNodeIsReadOnceAndAgreesWithItsCpuinfo() throws Exception {
        assertTrue(CpuInt8.node() == CpuInt8.node(), "read once");
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            String flags = " " + Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("flags")).findFirst().orElse("") + " ";
            assertEquals(flags.contains(" avx512_vnni ") || flags.contains(" avx_vnni ") || flags.contains(" amx_int8 "), CpuInt8.node().present());
        }
    }
}
