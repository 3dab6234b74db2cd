package io.longdoc.eval;

import java.util.List;

/**
 * One task at one length: the candidate documents and the queries, each with its target document and how to tell a
 * right answer (the key or place it must contain, or the section it must overlap).
 */
record EvalSet(String task, int length, List<Doc> documents, List<Question> questions) {

    record Doc(String id, String text) {}

    /** {@code mustContain} for passkey/needle; {@code [sectionStart, sectionEnd)} for deep-section (else -1). */
    record Question(String text, String targetId, String mustContain, int sectionStart, int sectionEnd) {

        boolean isRightAnswer(String answer, int start, int end) {
            if (mustContain != null) {
                return answer != null && answer.contains(mustContain);
            }
            return start < sectionEnd && end > sectionStart;
        }
    }
}
