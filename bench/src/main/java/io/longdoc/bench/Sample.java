package io.longdoc.bench;

/**
 * What one variant did at one length: the median and fastest of the timed runs, and the process's resident-set
 * growth over them ({@code peakRssMb} is -1 where the kernel does not let the high-water mark be reset).
 */
record Sample(double medianMs, double minMs, long peakRssMb, int runs) {

    boolean peakKnown() {
        return peakRssMb >= 0;
    }
}
