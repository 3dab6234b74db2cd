package io.longdoc.model;

import ai.onnxruntime.OrtException;

import org.elasticsearch.core.Releasable;
import io.longdoc.runtime.Encoder;
import io.longdoc.runtime.HiddenStates;
import io.longdoc.runtime.PassAdmission;
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
    private final PassAdmission admission;
    private final ModelPlacement placement;

    LoadedModel(
        ModelSpec spec,
        Tokenizer tokenizer,
        Encoder encoder,
        ModelStats stats,
        AttentionKernel attentionKernel,
        PassAdmission admission,
        ModelPlacement placement
    ) {
        this.admission = admission;
        this.placement = placement;
        this.spec = spec;
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.stats = stats;
        this.attentionKernel = attentionKernel;
    }

    public AttentionKernel attentionKernel() {
        return attentionKernel;
    }

    /** Where the model runs: provider, device, precision, and why anything runs other than as asked. */
    public ModelPlacement placement() {
        return placement;
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
        try (Releasable admitted = admission.admit(MemoryEstimate.bytes(spec, attentionKernel, ids.length), "a forward pass of " + ids.length + " tokens through model [" + spec.id() + "]")) {
            long start = System.nanoTime();
            SpanLogits logits = encoder.spanLogits(ids, globalMask);
            stats.recordInference(1, ids.length, System.nanoTime() - start);
            return logits;
        }
    }

    /** The document vector of a tokenized text that fits the model ({@link ModelSpec#maxTokens()}). */
    public float[] embed(TokenizedText tokens) throws OrtException {
        return encode(tokens).embedding();
    }

    /** One forward pass: the pooled document vector and the contextual token vectors it came from. */
    public record Encoding(float[] embedding, HiddenStates hidden) {}

    /** One forward pass over a tokenized text that fits the model: its vector and its token vectors. */
    public Encoding encode(TokenizedText tokens) throws OrtException {
        long[] global = new long[tokens.length()];
        if (global.length > 0) {
            global[0] = 1; // [CLS]: what embeddings and classification use (Longformer's recipe)
        }
        return encode(tokens.ids(), global);
    }

    /**
     * One forward pass over token ids that fit the model, with global attention where {@code globalMask} is 1 (a
     * title before the body, say); a model without a global-attention input ignores the mask. The document vector
     * pools every row, the global tokens' included.
     */
    public Encoding encode(long[] ids, long[] globalMask) throws OrtException {
        checkFits(ids.length);
        try (Releasable admitted = admission.admit(MemoryEstimate.bytes(spec, attentionKernel, ids.length), "a forward pass of " + ids.length + " tokens through model [" + spec.id() + "]")) {
            long start = System.nanoTime();
            HiddenStates hidden = encoder.encode(ids, globalMask);
            float[] vector = switch (spec.pooling()) {
                case CLS -> hidden.first();
                case MEAN -> hidden.mean();
            };
            if (spec.normalize()) {
                HiddenStates.normalize(vector);
            }
            stats.recordInference(1, ids.length, System.nanoTime() - start);
            return new Encoding(vector, hidden);
        }
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
