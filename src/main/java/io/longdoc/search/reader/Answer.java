package io.longdoc.search.reader;

/** An answer span in a document's text: characters {@code [start, end)} (UTF-16 indices) and the reader's score. */
public record Answer(String text, int start, int end, double score) {}
