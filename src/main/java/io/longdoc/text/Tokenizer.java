package io.longdoc.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntFunction;

/** A Hugging Face {@code tokenizer.json} tokenizer that reports, for every token, its span in the source text. */
public final class Tokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;

    private Tokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Loads {@code tokenizer.json}; the whole text is always tokenized (truncation is the caller's decision). */
    public static Tokenizer load(Path tokenizerJson) throws IOException {
        // The library finds its native code through the context class loader on first use: make it ours.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Tokenizer.class.getClassLoader());
        try {
            Map<String, String> options = Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false");
            return new Tokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options));
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    public TokenizedText tokenize(String text) {
        Encoding encoding = tokenizer.encode(text, true, false);
        CodePointOffsets offsets = new CodePointOffsets(text);
        return tokenized(encoding, i -> offsets);
    }

    /** The text of token ids, as tokenizers' decode does (a byte-level BPE's bytes back to UTF-8, bad bytes as U+FFFD). */
    public String decode(long[] ids, boolean skipSpecialTokens) {
        return tokenizer.decode(ids, skipSpecialTokens);
    }

    /**
     * Encodes two texts as one sequence with the tokenizer's pair template; each token's span indexes the text it
     * came from. Neither text is truncated.
     */
    public TokenizedPair tokenizePair(String first, String second) {
        Encoding encoding = tokenizer.encode(first, second, true, false);
        long[] sequenceIds = encoding.getSequenceIds(); // 0 or 1 per text token, -1 for special tokens
        long[] specialMask = encoding.getSpecialTokenMask();
        CodePointOffsets[] offsets = { new CodePointOffsets(first), new CodePointOffsets(second) };
        int[] sequence = new int[sequenceIds.length];
        for (int i = 0; i < sequence.length; i++) {
            sequence[i] = specialMask[i] != 0 || sequenceIds[i] < 0 ? TokenizedPair.SPECIAL : (int) sequenceIds[i];
        }
        return new TokenizedPair(tokenized(encoding, i -> offsets[sequence[i] == TokenizedPair.SECOND ? 1 : 0]), sequence);
    }

    /** Ids, UTF-16 spans and special flags; {@code offsetsOf} gives the text a (non-special) token indexes. */
    private static TokenizedText tokenized(Encoding encoding, IntFunction<CodePointOffsets> offsetsOf) {
        long[] ids = encoding.getIds();
        long[] specialMask = encoding.getSpecialTokenMask();
        CharSpan[] spans = encoding.getCharTokenSpans();
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        boolean[] special = new boolean[ids.length];
        for (int i = 0; i < ids.length; i++) {
            special[i] = specialMask[i] != 0;
            CharSpan span = spans[i];
            if (special[i] == false && span != null) {
                CodePointOffsets offsets = offsetsOf.apply(i);
                starts[i] = offsets.toUtf16(span.getStart());
                ends[i] = offsets.toUtf16(span.getEnd());
            }
        }
        return new TokenizedText(ids, starts, ends, special);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
