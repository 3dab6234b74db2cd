package io.longdoc.document;

/**
 * A section as ingest stored it: characters {@code [start, end)} of the document's text and the normalised mean
 * of its contextual token vectors from the one pass over the whole document.
 */
public record StoredSection(int start, int end, float[] vector) {

    public StoredSection {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("invalid section span [" + start + ", " + end + ")");
        }
    }
}
