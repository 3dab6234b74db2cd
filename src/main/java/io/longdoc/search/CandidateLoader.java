package io.longdoc.search;

import io.longdoc.search.reader.SectionMatcher;
import io.longdoc.document.SectionVectorCodec;
import io.longdoc.document.StoredSection;

import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.util.BytesRef;
import org.elasticsearch.common.io.stream.ByteArrayStreamInput;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.search.lookup.Source;
import org.elasticsearch.search.lookup.SourceFilter;
import org.elasticsearch.search.lookup.SourceProvider;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what the reader needs of one candidate: its text (from {@code _source}) and its packed section vectors
 * (one binary doc value). A document without them (not ingested with sections) gets no sections.
 */
final class CandidateLoader {

    /** A candidate as read from the index. */
    record Loaded(String text, List<StoredSection> sections) {
        SectionMatcher.Candidate forMatcher() {
            return SectionMatcher.Candidate.of(text, sections);
        }
    }

    private final String field;
    private final String sectionVectorsField;
    private final SourceProvider sources;
    private final QaStats stats;

    CandidateLoader(String field, String sectionVectorsField, SourceProvider sources, QaStats stats) {
        this.field = field;
        this.sectionVectorsField = sectionVectorsField;
        this.sources = sources;
        this.stats = stats;
    }

    /** The loader of a request's candidates on one shard: their text field from {@code _source}, nothing else. */
    static CandidateLoader of(QaRequest request, SearchExecutionContext context, QaStats stats) {
        SourceProvider sources = context.createSourceProvider(new SourceFilter(new String[] { request.field() }, null));
        return new CandidateLoader(request.field(), request.sectionVectorsField(), sources, stats);
    }

    /** Loads the documents {@code docs} (top-level doc ids, in any order); results follow the order of {@code docs}. */
    List<Loaded> load(List<LeafReaderContext> leaves, int[] docs) throws IOException {
        stats.candidatesRead(docs.length);
        Integer[] byDoc = new Integer[docs.length];
        for (int i = 0; i < docs.length; i++) {
            byDoc[i] = i;
        }
        java.util.Arrays.sort(byDoc, (a, b) -> Integer.compare(docs[a], docs[b])); // doc values read forward only
        Loaded[] loaded = new Loaded[docs.length];
        int currentLeaf = -1;
        BinaryDocValues values = null;
        for (int i : byDoc) {
            int leafIndex = ReaderUtil.subIndex(docs[i], leaves);
            LeafReaderContext leaf = leaves.get(leafIndex);
            if (leafIndex != currentLeaf) {
                values = DocValues.getBinary(leaf.reader(), sectionVectorsField);
                currentLeaf = leafIndex;
            }
            int doc = docs[i] - leaf.docBase;
            loaded[i] = load(leaf, doc, values);
        }
        return List.of(loaded);
    }

    private Loaded load(LeafReaderContext leaf, int doc, BinaryDocValues values) throws IOException {
        List<StoredSection> sections = List.of();
        if (values.advanceExact(doc)) { // callers pass each leaf's docs in increasing order
            sections = decode(values.binaryValue());
        }
        return new Loaded(text(sources.getSource(leaf, doc)), sections);
    }

    /** Loads one hit in the fetch phase, whose source Elasticsearch has already loaded. */
    Loaded loadOne(LeafReaderContext leaf, int doc, Source source) throws IOException {
        stats.candidatesRead(1);
        BinaryDocValues values = DocValues.getBinary(leaf.reader(), sectionVectorsField);
        List<StoredSection> sections = values.advanceExact(doc) ? decode(values.binaryValue()) : List.of();
        return new Loaded(text(source), sections);
    }

    String text(Source source) {
        Object value = source.extractValue(field, null);
        return value instanceof String text ? text : null;
    }

    /** A binary field's doc value holds a count, then each value's length and bytes; longdoc writes one value. */
    private List<StoredSection> decode(BytesRef value) throws IOException {
        ByteArrayStreamInput in = new ByteArrayStreamInput();
        in.reset(value.bytes, value.offset, value.length);
        if (in.readVInt() < 1) {
            return List.of();
        }
        int length = in.readVInt();
        int start = in.getPosition();
        try {
            return SectionVectorCodec.decode(value.bytes, start, length);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field [" + sectionVectorsField + "] holds a value longdoc did not write: " + e.getMessage(), e);
        }
    }
}
