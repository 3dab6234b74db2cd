package io.longdoc.summary;

/**
 * One decoding step for a set of hypotheses over one encoded document, with whatever cache the implementation keeps.
 */
public interface StepDecoder extends AutoCloseable {

    /**
     * Appends {@code tokens[i]} to the hypothesis that was row {@code parents[i]} after the previous step (on the first
     * step there is one empty hypothesis, row 0) and returns each new row's next-token logits.
     */
    float[][] step(int[] tokens, int[] parents) throws Exception;

    @Override
    void close();
}
