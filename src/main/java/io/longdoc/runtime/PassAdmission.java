package io.longdoc.runtime;

import org.elasticsearch.core.Releasable;
import org.elasticsearch.core.Releasables;

/**
 * What a forward pass must get before it runs: its estimated memory from a budget (a 429 when it does not fit now), and
 * on a GPU a device slot ({@link DeviceSlots}, waited for). Memory is reserved first, so a pass that would be rejected
 * never waits for a slot.
 *
 * @param slots null where passes are not limited beyond the thread pools (the CPU)
 */
public record PassAdmission(InferenceBudget memory, DeviceSlots slots) {

    /** The CPU's: the host memory budget only. */
    public static PassAdmission host(InferenceBudget memory) {
        return new PassAdmission(memory, null);
    }

    /** Close the result when the pass is done: it frees the memory and the slot. */
    public Releasable admit(long bytes, String what) {
        Releasable reserved = memory.reserve(bytes, what);
        if (slots == null) {
            return reserved;
        }
        try {
            Releasable slot = slots.acquire();
            return Releasables.wrap(slot, reserved);
        } catch (InterruptedException e) {
            reserved.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what + " waited for a GPU slot", e);
        } catch (RuntimeException e) {
            reserved.close();
            throw e;
        }
    }
}
