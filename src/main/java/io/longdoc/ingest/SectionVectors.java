package io.longdoc.ingest;

import io.longdoc.runtime.HiddenStates;
import io.longdoc.document.SectionVectorCodec;
import io.longdoc.document.StoredFields;
import io.longdoc.document.StoredSection;
import io.longdoc.text.Section;
import io.longdoc.text.Sectioner;
import io.longdoc.text.TokenizedText;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Section vectors and an extractive summary from the one forward pass over the whole document: each section's
 * vector is the normalised mean of its contextual token vectors (tokens that saw their whole window of the
 * document, not a chunk encoded alone).
 */
final class SectionVectors {

    private final Sectioner sectioner;
    private final ExtractiveSummary summary;

    SectionVectors(Sectioner sectioner, ExtractiveSummary summary) {
        this.sectioner = sectioner;
        this.summary = summary;
    }

    Sectioner.Breaks breaks() {
        return sectioner.breaks();
    }

    /**
     * The fields to write under the target: {@code sections} (nested, for kNN with inner hits),
     * {@code section_vectors} (the same sections packed into one binary doc value, for the query-time reader),
     * {@code summary} and {@code summary_embedding}.
     */
    Map<String, Object> fields(String text, TokenizedText encodedTokens, HiddenStates hidden) {
        List<Section> sections = sectioner.sections(text, encodedTokens);
        List<float[]> vectors = new ArrayList<>(sections.size());
        List<Map<String, Object>> sectionFields = new ArrayList<>(sections.size());
        List<StoredSection> packed = new ArrayList<>(sections.size());
        for (Section section : sections) {
            float[] vector = HiddenStates.normalize(hidden.meanOfRows(section.firstToken(), section.endToken()));
            vectors.add(vector);
            Map<String, Object> field = new LinkedHashMap<>();
            field.put(StoredFields.SECTION_START, section.start());
            field.put(StoredFields.SECTION_END, section.end());
            field.put(StoredFields.SECTION_VECTOR, LongDocProcessor.asList(vector));
            sectionFields.add(field);
            packed.add(new StoredSection(section.start(), section.end(), vector));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(StoredFields.SECTIONS, sectionFields);
        fields.put(StoredFields.SECTION_VECTORS, Base64.getEncoder().encodeToString(SectionVectorCodec.encode(packed)));
        if (sections.isEmpty()) {
            return fields;
        }
        // Centrality is measured against the sections' centroid: it lives in the same (mean-pooled) space as the
        // section vectors, which a CLS document vector does not.
        List<Integer> picked = summary.select(HiddenStates.normalize(centroid(vectors)), vectors);
        StringBuilder summaryText = new StringBuilder();
        float[] summaryVector = new float[vectors.get(0).length];
        for (int index : picked) {
            Section section = sections.get(index);
            if (summaryText.length() > 0) {
                summaryText.append('\n');
            }
            summaryText.append(text, section.start(), section.end());
            float[] v = vectors.get(index);
            for (int i = 0; i < v.length; i++) {
                summaryVector[i] += v[i];
            }
        }
        fields.put(StoredFields.SUMMARY, summaryText.toString().strip());
        fields.put(StoredFields.SUMMARY_EMBEDDING, LongDocProcessor.asList(HiddenStates.normalize(summaryVector)));
        return fields;
    }

    private static float[] centroid(List<float[]> vectors) {
        float[] sum = new float[vectors.get(0).length];
        for (float[] v : vectors) {
            for (int i = 0; i < v.length; i++) {
                sum[i] += v[i];
            }
        }
        return sum;
    }
}
