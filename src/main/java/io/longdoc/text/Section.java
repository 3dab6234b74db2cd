package io.longdoc.text;

/**
 * A run of whole sentences: characters {@code [start, end)} of the source text (UTF-16 indices) and tokens
 * {@code [firstToken, endToken)} of its tokenization.
 */
public record Section(int start, int end, int firstToken, int endToken) {

    public Section {
        if (start < 0 || end < start || firstToken < 0 || endToken < firstToken) {
            throw new IllegalArgumentException("invalid section [" + start + ", " + end + ") tokens [" + firstToken + ", " + endToken + ")");
        }
    }

    public int tokens() {
        return endToken - firstToken;
    }
}
