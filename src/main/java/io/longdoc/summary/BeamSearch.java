package io.longdoc.summary;

import java.util.Arrays;

/**
 * transformers' beam search, as the vectorised GenerationMixin._beam_search of transformers ≥ 4.50 computes it
 * (generation/utils.py: _get_top_k_continuations, _get_running_beams_for_next_iteration, _update_finished_beams,
 * _check_early_stop_heuristic, _beam_search_has_unfinished_sequences), for one document:
 * <ul>
 * <li>scores are log_softmax(logits), then the logits processors, plus the beam's running score; the first step
 * starts from one live beam (the others at −1e9);</li>
 * <li>the best beams_to_keep = max(2, 1 + number of eos tokens)·num_beams continuations are kept (so that num_beams
 * of them can go on even if every eos token is among each beam's best); those ending in any eos token or reaching
 * max_length have hit a stopping criterion;</li>
 * <li>the next running beams are the best num_beams of them, the finished ones pushed down by −1e9;</li>
 * <li>a finished continuation among the top num_beams enters the finished set with score / (generated tokens,
 * eos included)^length_penalty, unless the set is full and early_stopping is true, or the early-stop heuristic
 * already said no improvement is possible;</li>
 * <li>the search ends when no improvement is possible, when early_stopping is true and the set is full, or when
 * every continuation hit a stopping criterion (max_length). The best finished hypothesis is returned.</li>
 * </ul>
 * Scores are doubles (torch uses float32); equal scores are ordered by index, where torch.topk leaves ties unordered.
 */
final class BeamSearch {

    /** The large negative score transformers adds to rule a candidate out. */
    private static final double OUT = -1.0e9;

    private BeamSearch() {}

    static int[] run(StepDecoder decoder, GenerationConfig config) throws Exception {
        int beams = config.numBeams();
        int keep = Math.max(2, 1 + config.eosTokenIds().length) * beams;
        int promptLength = 1;
        int curLen = 1;
        double lengthPenalty = config.lengthPenalty();

        int[][] running = new int[beams][];
        double[] runningScores = new double[beams];
        int[][] finished = new int[beams][];
        double[] finishedScores = new double[beams];
        boolean[] finishedFlags = new boolean[beams];
        for (int b = 0; b < beams; b++) {
            running[b] = new int[] { config.decoderStartTokenId() };
            finished[b] = running[b];
            runningScores[b] = b == 0 ? 0 : OUT;
            finishedScores[b] = OUT;
        }
        boolean unsatisfied = true;
        int[] stepTokens = new int[beams];
        Arrays.fill(stepTokens, config.decoderStartTokenId());
        int[] parents = new int[beams];

        while (true) {
            float[][] logits = decoder.step(stepTokens, parents);
            int vocab = logits[0].length;
            double[] accumulated = new double[beams * vocab];
            for (int b = 0; b < beams; b++) {
                double[] scores = logSoftmax(logits[b]);
                LogitsProcessors.apply(running[b], curLen, scores, config);
                for (int v = 0; v < vocab; v++) {
                    accumulated[b * vocab + v] = scores[v] + runningScores[b];
                }
            }
            int[] chosen = top(accumulated, keep);
            double[] topScores = new double[keep];
            int[][] topSequences = new int[keep][];
            int[] topOrigins = new int[keep];
            boolean[] hits = new boolean[keep];
            boolean allHit = true;
            for (int r = 0; r < keep; r++) {
                topScores[r] = accumulated[chosen[r]];
                topOrigins[r] = chosen[r] / vocab;
                int token = chosen[r] % vocab;
                topSequences[r] = Arrays.copyOf(running[topOrigins[r]], curLen + 1);
                topSequences[r][curLen] = token;
                hits[r] = config.isEos(token) || curLen + 1 >= config.maxLength();
                allHit &= hits[r];
            }

            // _get_running_beams_for_next_iteration
            double[] penalised = new double[keep];
            for (int r = 0; r < keep; r++) {
                penalised[r] = topScores[r] + (hits[r] ? OUT : 0);
            }
            int[] next = top(penalised, beams);
            int[][] nextRunning = new int[beams][];
            double[] nextScores = new double[beams];
            for (int b = 0; b < beams; b++) {
                nextRunning[b] = topSequences[next[b]];
                nextScores[b] = penalised[next[b]];
                stepTokens[b] = topSequences[next[b]][curLen];
                parents[b] = topOrigins[next[b]];
            }

            // _update_finished_beams
            boolean full = allTrue(finishedFlags) && config.earlyStopping() == GenerationConfig.EarlyStopping.TRUE;
            double[] mergedScores = new double[beams + keep];
            int[][] mergedSequences = new int[beams + keep][];
            boolean[] mergedFlags = new boolean[beams + keep];
            for (int b = 0; b < beams; b++) {
                mergedScores[b] = finishedScores[b];
                mergedSequences[b] = finished[b];
                mergedFlags[b] = finishedFlags[b];
            }
            double denominator = Math.pow(curLen + 1 - promptLength, lengthPenalty);
            for (int r = 0; r < keep; r++) {
                boolean justFinished = hits[r] && r < beams;
                double score = topScores[r] / denominator;
                score += full ? OUT : 0;
                score += unsatisfied ? 0 : OUT;
                score += justFinished ? 0 : OUT;
                mergedScores[beams + r] = score;
                mergedSequences[beams + r] = topSequences[r];
                mergedFlags[beams + r] = justFinished;
            }
            int[] best = top(mergedScores, beams);
            for (int b = 0; b < beams; b++) {
                finishedScores[b] = mergedScores[best[b]];
                finished[b] = mergedSequences[best[b]];
                finishedFlags[b] = mergedFlags[best[b]];
            }
            running = nextRunning;
            runningScores = nextScores;
            curLen++;

            // _check_early_stop_heuristic
            int hypotheticalLength = config.earlyStopping() == GenerationConfig.EarlyStopping.NEVER && lengthPenalty > 0
                ? config.maxLength() - promptLength
                : curLen - promptLength;
            double bestPossible = runningScores[0] / Math.pow(hypotheticalLength, lengthPenalty);
            double worstFinished = Arrays.stream(finishedScores).min().orElseThrow();
            boolean canImprove = false;
            for (int b = 0; b < beams; b++) {
                canImprove |= bestPossible > (finishedFlags[b] ? worstFinished : OUT);
            }
            unsatisfied &= canImprove;

            // _beam_search_has_unfinished_sequences
            boolean openBeam = (allTrue(finishedFlags) && config.earlyStopping() == GenerationConfig.EarlyStopping.TRUE) == false;
            if (unsatisfied == false || openBeam == false || allHit) {
                return finished[0];
            }
        }
    }

    static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : logits) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (float x : logits) {
            sum += Math.exp(x - max);
        }
        double shift = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - shift;
        }
        return out;
    }

    /** Indices of the k largest values, largest first, equal values by lower index. */
    static int[] top(double[] values, int k) {
        int[] best = new int[k];
        int size = 0;
        for (int i = 0; i < values.length; i++) {
            if (size == k && values[i] <= values[best[k - 1]]) {
                continue; // not better than the current k-th (ties keep the lower index)
            }
            int at = size == k ? k - 1 : size++;
            while (at > 0 && values[best[at - 1]] < values[i]) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = i;
        }
        return best;
    }

    private static boolean allTrue(boolean[] flags) {
        for (boolean flag : flags) {
            if (flag == false) {
                return false;
            }
        }
        return true;
    }
}
