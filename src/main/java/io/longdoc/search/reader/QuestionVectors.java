package io.longdoc.search.reader;

import ai.onnxruntime.OrtException;
import io.longdoc.model.LoadedModel;
import io.longdoc.runtime.HiddenStates;
import io.longdoc.text.TokenizedText;

/**
 * A question as the late-interaction reader compares it: the model's pooled vector, the normalised mean of its
 * token vectors (the space section vectors live in) and each text token's normalised contextual vector.
 */
public record QuestionVectors(float[] pooled, float[] mean, float[][] tokens) {

    /** The most question tokens read; a longer question is cut (a question is a sentence or two, not a document). */
    public static final int MAX_TOKENS = 256;

    public QuestionVectors {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a question needs at least one token");
        }
        for (float[] token : tokens) {
            if (token.length != pooled.length || mean.length != pooled.length) {
                throw new IllegalArgumentException("question vectors of different widths");
            }
        }
    }

    public int dims() {
        return pooled.length;
    }

    /** One forward pass over the question. */
    public static QuestionVectors encode(LoadedModel model, String question) throws OrtException {
        if (question == null || question.isBlank()) {
            throw new IllegalArgumentException("the question is empty");
        }
        TokenizedText tokens = model.tokenize(question).truncate(Math.min(MAX_TOKENS, model.spec().maxTokens()));
        LoadedModel.Encoding encoding = model.encode(tokens);
        HiddenStates hidden = encoding.hidden();
        int textTokens = tokens.textTokens();
        if (textTokens == 0) {
            throw new IllegalArgumentException("the question has no tokens the model reads");
        }
        float[][] rows = new float[textTokens][];
        float[] sum = new float[hidden.dims()];
        int r = 0;
        for (int t = 0; t < tokens.length(); t++) {
            if (tokens.special()[t]) {
                continue;
            }
            float[] row = hidden.meanOfRows(t, t + 1);
            for (int i = 0; i < row.length; i++) {
                sum[i] += row[i];
            }
            rows[r++] = HiddenStates.normalize(row);
        }
        return new QuestionVectors(HiddenStates.normalize(encoding.embedding().clone()), HiddenStates.normalize(sum), rows);
    }
}
