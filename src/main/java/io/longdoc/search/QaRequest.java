package io.longdoc.search;

import io.longdoc.document.StoredFields;
import io.longdoc.model.ModelId;
import io.longdoc.search.reader.QuestionVectors;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Objects;

/**
 * What the {@code long_doc_qa} query and rescorer share: the question, where the documents keep their text and
 * vectors, the model and the reader, and, once the coordinating node has encoded the question, its vectors and
 * the reader that the model resolves {@code auto} to.
 *
 * @param field               the text field, read from {@code _source}
 * @param modelId             null until resolved to the node's default
 * @param embeddingField      the document embedding ({@code dense_vector}) for the kNN first stage
 * @param sectionVectorsField the packed section vectors ({@code binary} with doc values) the reader reads
 * @param question            null until encoded
 */
public record QaRequest(
    String questionText,
    String field,
    String modelId,
    ReaderKind reader,
    String embeddingField,
    String sectionVectorsField,
    QuestionVectors question
) implements Writeable {

    /** A question is a sentence or a paragraph; a longer text is a document, not a question. */
    public static final int MAX_QUESTION_CHARS = 8192;

    public QaRequest {
        if (questionText == null || questionText.isBlank()) {
            throw new IllegalArgumentException("[question] is required and must not be empty");
        }
        if (questionText.length() > MAX_QUESTION_CHARS) {
            throw new IllegalArgumentException(
                "[question] has " + questionText.length() + " characters, at most " + MAX_QUESTION_CHARS + " are allowed"
            );
        }
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException("[field] is required: the text field the reader reads");
        }
        if (modelId != null) {
            ModelId.validate(modelId);
        }
        Objects.requireNonNull(reader);
        embeddingField = embeddingField == null ? StoredFields.under(StoredFields.DEFAULT_TARGET, StoredFields.EMBEDDING) : embeddingField;
        sectionVectorsField = sectionVectorsField == null ? StoredFields.under(StoredFields.DEFAULT_TARGET, StoredFields.SECTION_VECTORS) : sectionVectorsField;
    }

    public QaRequest(StreamInput in) throws IOException {
        this(
            in.readString(),
            in.readString(),
            in.readOptionalString(),
            in.readEnum(ReaderKind.class),
            in.readString(),
            in.readString(),
            in.readBoolean() ? readVectors(in) : null
        );
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(questionText);
        out.writeString(field);
        out.writeOptionalString(modelId);
        out.writeEnum(reader);
        out.writeString(embeddingField);
        out.writeString(sectionVectorsField);
        out.writeBoolean(question != null);
        if (question != null) {
            out.writeFloatArray(question.pooled());
            out.writeFloatArray(question.mean());
            out.writeVInt(question.tokens().length);
            for (float[] token : question.tokens()) {
                out.writeFloatArray(token);
            }
        }
    }

    private static QuestionVectors readVectors(StreamInput in) throws IOException {
        float[] pooled = in.readFloatArray();
        float[] mean = in.readFloatArray();
        float[][] tokens = new float[in.readVInt()][];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = in.readFloatArray();
        }
        return new QuestionVectors(pooled, mean, tokens);
    }

    /** The request once the coordinating node has resolved the model and encoded the question. */
    public QaRequest resolved(String resolvedModelId, ReaderKind resolvedReader, QuestionVectors vectors) {
        return new QaRequest(questionText, field, resolvedModelId, resolvedReader, embeddingField, sectionVectorsField, vectors);
    }

    public boolean isResolved() {
        return question != null;
    }

    /** Writes the user-facing options (never the vectors: they are an internal product of rewrite). */
    public void toXContentFields(XContentBuilder builder) throws IOException {
        builder.field("question", questionText);
        builder.field("field", field);
        if (modelId != null) {
            builder.field("model_id", modelId);
        }
        builder.field("reader", reader.toString());
        builder.field("embedding_field", embeddingField);
        builder.field("section_vectors_field", sectionVectorsField);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QaRequest other
            && questionText.equals(other.questionText)
            && field.equals(other.field)
            && Objects.equals(modelId, other.modelId)
            && reader == other.reader
            && embeddingField.equals(other.embeddingField)
            && sectionVectorsField.equals(other.sectionVectorsField)
            && (question == null) == (other.question == null);
    }

    @Override
    public int hashCode() {
        return Objects.hash(questionText, field, modelId, reader, embeddingField, sectionVectorsField, question == null);
    }
}
