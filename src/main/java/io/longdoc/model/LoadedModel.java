package io.longdoc.model;

import ai.onnxruntime.OrtException;
import io.longdoc.runtime.Encoder;
import io.longdoc.runtime.HiddenStates;
import io.longdoc.runtime.SpanLogits;
import io.longdoc.text.TokenizedPair;
import io.longdoc.text.TokenizedText;
import io.longdoc.text.Tokenizer;

/** A model ready to run: its tokenizer and its ONNX Runtime session. Safe to use from many threads. */
public final class LoadedModel implements AutoCloseable {

    private final ModelSpec spec;
    private final Tokenizer tokenizer;
    private final Encoder encoder;
    private final ModelStats stats;
    private final AttentionKernel attentionKernel;

    LoadedModel(ModelSpec spec, Tokenizer tokenizer, Encoder encoder, ModelStats stats, AttentionKernel attentionKernel) {
        this.spec = spec;
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.stats = stats;
        this.attentionKernel = attentionKernel;
    }

    public AttentionKernel attentionKernel() {
        return attentionKernel;
    }

    public ModelSpec spec() {
        return spec;
    }

    public TokenizedText tokenize(String text) {
        return tokenizer.tokenize(text);
    }

    /** Two texts as one sequence with the tokenizer's own pair template (a question and the text it asks about). */
    public TokenizedPair tokenizePair(String first, String second) {
        return tokenizer.tokenizePair(first, second);
    }

    /** Whether the model has a question-answering head ({@code qa_outputs}: start and end logits per token). */
    public boolean hasQaHead() {
        return encoder.hasQaHead();
    }

    /**
     * One forward pass through the question-answering head over token ids that fit the model; tokens with
     * {@code globalMask[i] == 1} get global attention (the question, for Longformer-style QA models).
     */
    public SpanLogits spanLogits(long[] ids, long[] globalMask) throws OrtException {
        if (hasQaHead() == false) {
            throw new IllegalArgumentException("model [" + spec.id() + "] has no question-answering head (qa_outputs)");
        }
        checkFits(ids.length);
        long start = System.nanoTime();
        SpanLogits logits = encoder.spanLogits(ids, globalMask);
        stats.recordInference(1, ids.length, System.nanoTime() - start);
        return logits;
    }

    /** The document vector of a tokenized text that fits the model ({@link ModelSpec#maxTokens()}). */
    public float[] embed(TokenizedText tokens) throws OrtException {
        return encode(tokens).embedding();
    }

    /** One forward pass: the pooled document vector and the contextual token vectors it came from. */
    public record Encoding(float[] embedding, HiddenStates hidden) {}

    /** One forward pass over a tokenized text that fits the model: its vector and its token vectors. */
    public Encoding encode(TokenizedText tokens) throws OrtException {
        checkFits(tokens.length());
        long start = System.nanoTime();
        HiddenStates hidden = encoder.encode(tokens.ids());
        float[] vector = switch (spec.pooling()) {
            case CLS -> hidden.first();
            case MEAN -> hidden.mean();
        };
        if (spec.normalize()) {
            HiddenStates.normalize(vector);
        }
        stats.recordInference(1, tokens.length(), System.nanoTime() - start);
        return new Encoding(vector, hidden);
    }

    private void checkFits(int tokens) {
        if (tokens > spec.maxTokens()) {
            throw new IllegalArgumentException(
                "model [" + spec.id() + "] reads at most " + spec.maxTokens() + " tokens, got " + tokens + " (truncate first)"
            );
        }
    }

    @Override
    public void close() throws OrtException {
        try {
            encoder.close();
        } finally {
            tokenizer.close();
        }
    }
}
