package io.longdoc.runtime;

import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.elasticsearch.core.Releasable;

/**
 * The node's budget of native memory for forward passes. Each pass reserves its estimate before it runs and
 * releases it after; a pass that does not fit now is rejected with a 429 (retry later), one that could never fit
 * with a 400. ONNX Runtime allocates outside the Java heap, where no circuit breaker sees it: this is that breaker.
 */
public final class InferenceBudget {

    public static final InferenceBudget UNLIMITED = new InferenceBudget(Long.MAX_VALUE);

    private final long budgetBytes;
    private long reservedBytes;

    public InferenceBudget(long budgetBytes) {
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("the inference memory budget must be positive, got " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    /** Reserves {@code bytes} for {@code what}; close the result when the pass is done. */
    public synchronized Releasable reserve(long bytes, String what) {
        if (bytes > budgetBytes) {
            throw new IllegalArgumentException(what + " needs about " + mb(bytes) + " MB of inference memory, more than the node's whole budget of "
                + mb(budgetBytes) + " MB (longdoc.inference.memory_budget); send fewer tokens");
        }
        if (reservedBytes + bytes > budgetBytes) {
            throw new EsRejectedExecutionException(what + " needs about " + mb(bytes) + " MB of inference memory but "
                + mb(budgetBytes - reservedBytes) + " MB of the node's " + mb(budgetBytes)
                + " MB budget (longdoc.inference.memory_budget) are free now; retry later", false);
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
