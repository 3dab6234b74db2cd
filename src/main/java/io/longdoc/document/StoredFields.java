package io.longdoc.document;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stored-document contract: the fields the {@code long_doc} processor writes under its target, which
 * {@code long_doc_qa} reads and the {@code longdoc-mappings} component template maps. Ingest, search and the template
 * all take the names and mappings from here, so they cannot drift apart.
 */
public final class StoredFields {

    /** The processor's default {@code target_field}, and where search looks unless told otherwise. */
    public static final String DEFAULT_TARGET = "longdoc";

    /** The document embedding (pooled over the whole document). */
    public static final String EMBEDDING = "embedding";
    /** Nested sections, each with its character offsets and vector, for kNN with inner hits. */
    public static final String SECTIONS = "sections";
    public static final String SECTION_START = "start";
    public static final String SECTION_END = "end";
    public static final String SECTION_VECTOR = "vector";
    /** The same sections packed by {@link SectionVectorCodec} into one binary doc value, for the query-time reader. */
    public static final String SECTION_VECTORS = "section_vectors";
    public static final String SUMMARY = "summary";
    public static final String SUMMARY_EMBEDDING = "summary_embedding";
    /**
     * extractive, abstractive (written by an LED summary model) or extractive_fallback (an abstractive pipeline's
     * document past the summary's token or time budget).
     */
    public static final String SUMMARY_KIND = "summary_kind";
    /** How many tokens the text had (before any truncation). */
    public static final String TOKENS = "tokens";
    public static final String TRUNCATED = "truncated";
    /** The id of the model that encoded the document. */
    public static final String MODEL = "model";

    private StoredFields() {}

    /** {@code target.field}. */
    public static String under(String target, String field) {
        return target + "." + field;
    }

    /** The mapping of every field the processor writes, for vectors of {@code dims} dimensions. */
    public static Map<String, Object> mappings(int dims) {
        Map<String, Object> vector = Map.of("type", "dense_vector", "dims", dims, "similarity", "cosine");
        Map<String, Object> section = new LinkedHashMap<>();
        section.put(SECTION_START, Map.of("type", "integer"));
        section.put(SECTION_END, Map.of("type", "integer"));
        section.put(SECTION_VECTOR, vector);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(EMBEDDING, vector);
        fields.put(SECTIONS, Map.of("type", "nested", "properties", section));
        fields.put(SECTION_VECTORS, Map.of("type", "binary", "doc_values", true));
        fields.put(SUMMARY, Map.of("type", "text"));
        fields.put(SUMMARY_EMBEDDING, vector);
        fields.put(SUMMARY_KIND, Map.of("type", "keyword"));
        fields.put(TOKENS, Map.of("type", "integer"));
        fields.put(TRUNCATED, Map.of("type", "boolean"));
        fields.put(MODEL, Map.of("type", "keyword"));
        return fields;
    }
}
