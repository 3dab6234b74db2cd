package io.longdoc.corpus;

import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Small text helpers for building test inputs from corpus documents. */
public final class Texts {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private Texts() {}

    /** The first {@code k} whitespace-separated words, joined by single spaces. */
    public static String firstWords(String text, int k) {
        return Arrays.stream(WHITESPACE.split(text.strip()))
            .filter(word -> !word.isEmpty())
            .limit(k)
            .collect(Collectors.joining(" "));
    }

    /** Number of whitespace-separated words. */
    public static int wordCount(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? 0 : WHITESPACE.split(stripped).length;
    }
}
