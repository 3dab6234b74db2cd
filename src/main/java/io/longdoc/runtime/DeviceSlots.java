package io.longdoc.runtime;

import org.elasticsearch.core.Releasable;

import java.util.concurrent.Semaphore;

/**
 * How many forward passes run on the GPU at once ({@code longdoc.cuda.concurrent_passes}), across all models of the
 * node. The inference and question pools may hold more threads than that; the extra ones wait here, in arrival order,
 * instead of queuing inside the CUDA stream with their activations already allocated.
 */
public final class DeviceSlots {

    private final int slots;
    private final Semaphore free;

    public DeviceSlots(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("longdoc.cuda.concurrent_passes must be at least 1, got " + slots);
        }
        this.slots = slots;
        this.free = new Semaphore(slots, true);
    }

    /** Waits for a slot; close the result when the pass is done. */
    public Releasable acquire() throws InterruptedException {
        free.acquire();
        boolean[] released = new boolean[1];
        return () -> {
            synchronized (released) {
                if (released[0] == false) {
                    released[0] = true;
                    free.release();
                }
            }
        };
    }

    public int slots() {
        return slots;
    }

    public int inUse() {
        return slots - free.availablePermits();
    }
}
