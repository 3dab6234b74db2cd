package io.longdoc.summary;

/** Picks greedy decoding or beam search by num_beams, as generate does for do_sample false. */
public final class Generation {

    private Generation() {}

    /** The output token ids, decoder start token first. */
    public static int[] generate(StepDecoder decoder, GenerationConfig config) throws Exception {
        return config.numBeams() > 1 ? BeamSearch.run(decoder, config) : GreedySearch.run(decoder, config);
    }
}
