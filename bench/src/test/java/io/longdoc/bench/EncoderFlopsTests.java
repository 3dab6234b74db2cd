package io.longdoc.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The arithmetic of issue 17's goal on paper, as docs/BENCHMARKS.md quotes it. */
class EncoderFlopsTests {

    @Test
    void theDefaultModelCosts52MflopPerTokenAnd085TflopPer16kDocument() {
        assertEquals(51.92e6, EncoderFlops.BGE_SMALL.perToken(16384), 0.01e6);
        assertEquals(0.8507e12, EncoderFlops.BGE_SMALL.perDocument(16384), 0.0001e12);
        // 7 ms per 16k document is 121.5 TFLOP/s: 12.3 % of an H100's 989 dense fp16 TFLOP/s
        assertEquals(0.123, EncoderFlops.BGE_SMALL.perDocument(16384) / 7e-3 / 989e12, 0.001);
    }

    @Test
    void aShortDocumentSeesOnlyItsOwnTokens() {
        // n = 100 < 2w + 1: every query sees the 100 keys there are
        double expected = 2 * 12 * (4.0 * 384 * 384 + 2.0 * 384 * 1536 + 2.0 * 100 * 384);
        assertEquals(expected, EncoderFlops.BGE_SMALL.perToken(100), 1);
    }
}
