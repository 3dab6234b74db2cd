package io.longdoc.text;

/**
 * Converts Unicode code-point offsets (what the Hugging Face tokenizer library reports) into Java {@code String}
 * (UTF-16) indices. They differ after every character outside the Basic Multilingual Plane (emoji, some CJK).
 */
final class CodePointOffsets {

    private final int[] utf16IndexOfCodePoint; // null when the text has no surrogate pairs: the offsets are equal

    CodePointOffsets(String text) {
        int codePoints = text.codePointCount(0, text.length());
        if (codePoints == text.length()) {
            utf16IndexOfCodePoint = null;
        } else {
            utf16IndexOfCodePoint = new int[codePoints + 1];
            int utf16 = 0;
            for (int cp = 0; cp < codePoints; cp++) {
                utf16IndexOfCodePoint[cp] = utf16;
                utf16 += Character.charCount(text.codePointAt(utf16));
            }
            utf16IndexOfCodePoint[codePoints] = utf16;
        }
    }

    int toUtf16(int codePointOffset) {
        return utf16IndexOfCodePoint == null ? codePointOffset : utf16IndexOfCodePoint[codePointOffset];
    }
}
