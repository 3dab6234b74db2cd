package io.longdoc.search;

import java.util.Locale;

/** How {@code long_doc_qa} finds the candidates its reader reads. */
public enum FirstStage {
    /** kNN on the document embedding (the question's vector from the same model). */
    KNN,
    /** BM25 on the text field. */
    BM25,
    /** Both, fused by reciprocal rank. */
    HYBRID;

    public static FirstStage parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[first_stage] must be one of [knn, bm25, hybrid], got [" + value + "]");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
