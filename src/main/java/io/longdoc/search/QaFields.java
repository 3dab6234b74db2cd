package io.longdoc.search;

import org.elasticsearch.index.mapper.MappedFieldType;
import org.elasticsearch.index.query.SearchExecutionContext;

import java.util.Set;

/** Checks, per index, that the fields a {@code long_doc_qa} request names exist and have the types it reads. */
final class QaFields {

    /** Field types whose {@code _source} value is the text the reader reads. */
    private static final Set<String> TEXT_TYPES = Set.of("text", "match_only_text", "keyword", "wildcard");

    private QaFields() {}

    static void checkText(SearchExecutionContext context, String owner, String field) {
        MappedFieldType type = mapped(context, owner, "field", field, "the text field to read");
        if (TEXT_TYPES.contains(type.typeName()) == false) {
            throw new IllegalArgumentException("[" + owner + "] [field] must be a text field, but [" + field + "] is of type ["
                + type.typeName() + "] in index [" + context.index().getName() + "]");
        }
        if (context.isSourceEnabled() == false) {
            throw new IllegalArgumentException("[" + owner + "] reads [" + field + "] from _source, which index ["
                + context.index().getName() + "] disables");
        }
    }

    static void checkSectionVectors(SearchExecutionContext context, String owner, String field) {
        MappedFieldType type = mapped(context, owner, "section_vectors_field", field,
            "index the documents through the long_doc processor with \"sections\": true, mapped as in the longdoc-mappings component template");
        if ("binary".equals(type.typeName()) == false || type.hasDocValues() == false) {
            throw new IllegalArgumentException("[" + owner + "] [section_vectors_field] [" + field + "] must be a [binary] field with doc_values, got ["
                + type.typeName() + "]");
        }
    }

    static void checkEmbedding(SearchExecutionContext context, String owner, String field, int dims) {
        MappedFieldType type = mapped(context, owner, "embedding_field", field, "the document embedding the kNN first stage searches");
        if ("dense_vector".equals(type.typeName()) == false) {
            throw new IllegalArgumentException("[" + owner + "] [embedding_field] [" + field + "] must be a [dense_vector] field, got ["
                + type.typeName() + "]");
        }
    }

    private static MappedFieldType mapped(SearchExecutionContext context, String owner, String option, String field, String hint) {
        MappedFieldType type = context.getFieldType(field);
        if (type == null) {
            throw new IllegalArgumentException("[" + owner + "] [" + option + "] [" + field + "] is not mapped in index ["
                + context.index().getName() + "] (" + hint + ")");
        }
        return type;
    }
}
