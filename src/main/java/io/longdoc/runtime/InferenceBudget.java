package io.longdoc.runtime;

import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.elasticsearch.core.Releasable;

/**
 * The node's budget of native memory for forward passes. Each pass reserves its estimate before it runs and
 * releases it after; a pass that does not fit now is rejected with a 429 (retry later), one that could never fit
 * with a 400. ONNX Runtime allocates outside the Java heap, where no circuit breaker sees it: this is that breaker.
 * On a CUDA node a second budget of the same kind accounts the GPU's memory ({@code longdoc.cuda.memory_budget}).
 */
public final class InferenceBudget {

    public static final InferenceBudget UNLIMITED = new InferenceBudget(Long.MAX_VALUE);

    public static final String HOST_SETTING = "longdoc.inference.memory_budget";

    private final long budgetBytes;
    /** The setting that sets the budget and the memory it counts, for the messages. */
    private final String setting;
    private final String memory;
    private long reservedBytes;

    public InferenceBudget(long budgetBytes) {
        this(budgetBytes, HOST_SETTING, "inference memory");
    }

    public InferenceBudget(long budgetBytes, String setting, String memory) {
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("the " + memory + " budget must be positive, got " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
        this.setting = setting;
        this.memory = memory;
    }

    /** Reserves {@code bytes} for {@code what}; close the result when the pass is done. */
    public synchronized Releasable reserve(long bytes, String what) {
        if (bytes > budgetBytes) {
            throw new IllegalArgumentException(what + " needs about " + mb(bytes) + " MB of " + memory + ", more than the node's whole budget of "
                + mb(budgetBytes) + " MB (" + setting + "); send fewer tokens");
        }
        if (reservedBytes + bytes > budgetBytes) {
            throw new EsRejectedExecutionException(what + " needs about " + mb(bytes) + " MB of " + memory + " but "
                + mb(budgetBytes - reservedBytes) + " MB of the node's " + mb(budgetBytes)
                + " MB budget (" + setting + ") are free now; retry later", false);
        }
        reservedBytes += bytes;
        boolean[] released = new boolean[1];
        return () -> {
            synchronized (this) {
                if (released[0] == false) {
                    released[0] = true;
                    reservedBytes -= bytes;
                }
            }
        };
    }

    public synchronized long reservedBytes() {
        return reservedBytes;
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    private static long mb(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
