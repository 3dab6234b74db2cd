package io.longdoc.runtime;

import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.elasticsearch.core.Releasable;
import org.elasticsearch.rest.RestStatus;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GPU side of admission: the device memory budget's setting, its resolution, the slots, and the 429. */
class DeviceMemoryTests {

    private static final long MB = 1 << 20;

    @Test
    void theBudgetIsASizeOrAShareOfTheFreeMemory() {
        assertEquals(new DeviceMemoryLimit(12L << 30, 0), DeviceMemoryLimit.parse("12gb"));
        assertEquals(new DeviceMemoryLimit(0, 0.8), DeviceMemoryLimit.parse(DeviceMemoryLimit.DEFAULT));
        for (String bad : new String[] { "0%", "120%", "much%", "0b", "lots" }) {
            var e = assertThrows(IllegalArgumentException.class, () -> DeviceMemoryLimit.parse(bad), bad);
            assertTrue(e.getMessage().contains("longdoc.cuda.memory_budget"), e.getMessage());
        }
    }

    @Test
    void aShareResolvesAgainstTheFreeMemoryOrFallsBackToTheHostBudgetWithTheReason() {
        DeviceMemoryLimit share = DeviceMemoryLimit.parse("50%");
        DeviceMemoryLimit.Resolved known = share.resolve(0, OptionalLong.of(1000 * MB), 4096 * MB);
        assertEquals(500 * MB, known.bytes());
        assertTrue(known.source().contains("[50%] of the 1000 MB free on CUDA device [0]"), known.source());
        DeviceMemoryLimit.Resolved unknown = share.resolve(2, OptionalLong.empty(), 4096 * MB);
        assertEquals(4096 * MB, unknown.bytes());
        assertTrue(unknown.source().contains("could not be read") && unknown.source().contains("longdoc.inference.memory_budget"), unknown.source());
        assertEquals(12L << 30, DeviceMemoryLimit.parse("12gb").resolve(0, OptionalLong.of(MB), MB).bytes(), "a size is a size");
    }

    @Test
    void withoutAGpuTheFreeMemoryIsUnknownNotAnError() {
        assertEquals(OptionalLong.empty(), CudaMemoryInfo.freeBytes("libcudart.so.12", 0), "no CUDA 12 runtime here");
        assertEquals(OptionalLong.empty(), CudaMemoryInfo.freeBytes("liblongdoc-no-such-library.so", 0));
        if (Files.exists(Path.of("/usr/local/cuda/lib64/libcudart.so.13"))) {
            // the library loads and the call goes through; with no driver or device CUDA answers with an error code
            assertEquals(OptionalLong.empty(), CudaMemoryInfo.freeBytes("/usr/local/cuda/lib64/libcudart.so.13", 0));
        }
    }

    @Test
    void aGpuPassOverTheDeviceBudgetIsA429NamingTheSetting() {
        PassAdmission gpu = new PassAdmission(new InferenceBudget(100 * MB, DeviceMemoryLimit.SETTING, "GPU memory"), new DeviceSlots(4));
        Releasable first = gpu.admit(70 * MB, "pass A");
        var busy = assertThrows(EsRejectedExecutionException.class, () -> gpu.admit(40 * MB, "pass B"));
        assertEquals(RestStatus.TOO_MANY_REQUESTS, org.elasticsearch.ExceptionsHelper.status(busy));
        assertTrue(busy.getMessage().contains("MB of GPU memory") && busy.getMessage().contains("(longdoc.cuda.memory_budget)"), busy.getMessage());
        assertEquals(1, gpu.slots().inUse(), "the rejected pass took no slot");
        var never = assertThrows(IllegalArgumentException.class, () -> gpu.admit(200 * MB, "pass C"));
        assertTrue(never.getMessage().contains("more than the node's whole budget"), never.getMessage());
        first.close();
        assertEquals(0, gpu.memory().reservedBytes());
        assertEquals(0, gpu.slots().inUse());
    }

    @Test
    void passesBeyondTheSlotsWaitForOne() throws Exception {
        PassAdmission gpu = new PassAdmission(new InferenceBudget(100 * MB, DeviceMemoryLimit.SETTING, "GPU memory"), new DeviceSlots(1));
        Releasable first = gpu.admit(10 * MB, "pass A");
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean admitted = new AtomicBoolean();
        Thread second = new Thread(() -> {
            started.countDown();
            try (Releasable ignored = gpu.admit(10 * MB, "pass B")) {
                admitted.set(true);
            }
        });
        second.start();
        started.await();
        second.join(300);
        assertFalse(admitted.get(), "one slot: the second pass waits");
        assertEquals(20 * MB, gpu.memory().reservedBytes(), "its memory is reserved while it waits, so no third pass overcommits");
        first.close();
        second.join(TimeUnit.SECONDS.toMillis(10));
        assertTrue(admitted.get());
        assertEquals(0, gpu.memory().reservedBytes());
        assertEquals(0, gpu.slots().inUse());
    }

    @Test
    void theCpuAdmitsByMemoryAlone() {
        PassAdmission cpu = PassAdmission.host(new InferenceBudget(10 * MB));
        try (Releasable a = cpu.admit(5 * MB, "a"); Releasable b = cpu.admit(5 * MB, "b")) {
            assertEquals(10 * MB, cpu.memory().reservedBytes());
        }
        assertThrows(IllegalArgumentException.class, () -> new CudaSettings(0, 0, DeviceMemoryLimit.parse("1gb")));
    }
}
