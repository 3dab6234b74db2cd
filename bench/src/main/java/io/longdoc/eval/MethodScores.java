package io.longdoc.eval;

import java.util.List;

/** A method's results over a set's questions: top-1 accuracy (= nDCG@1 with one relevant document), MRR@10, answers. */
final class MethodScores {

    private int questions;
    private int top1;
    private double reciprocalRanks;
    private int rightAnswers;
    private boolean answers;

    /** {@code ranking}: document ids, best first (at least the top 10). */
    void add(String targetId, List<String> ranking) {
        questions++;
        int rank = ranking.indexOf(targetId);
        if (rank == 0) {
            top1++;
        }
        if (rank >= 0 && rank < 10) {
            reciprocalRanks += 1.0 / (rank + 1);
        }
    }

    /** Answer accuracy counts a question right when the top hit is the target and its answer is right. */
    void addAnswer(boolean right) {
        answers = true;
        rightAnswers += right ? 1 : 0;
    }

    int questions() {
        return questions;
    }

    double top1() {
        return questions == 0 ? Double.NaN : (double) top1 / questions;
    }

    int top1Count() {
        return top1;
    }

    double mrrAt10() {
        return questions == 0 ? Double.NaN : reciprocalRanks / questions;
    }

    boolean hasAnswers() {
        return answers;
    }

    double answerAccuracy() {
        return answers && questions > 0 ? (double) rightAnswers / questions : Double.NaN;
    }

    int rightAnswers() {
        return rightAnswers;
    }
}
