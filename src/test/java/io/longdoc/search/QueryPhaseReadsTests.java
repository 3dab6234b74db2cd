package io.longdoc.search;

import io.longdoc.search.reader.QuestionVectors;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.Field;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The reads a query phase carries to its fetch phase: only the same request's, only the same segment's document, once. */
class QueryPhaseReadsTests {

    private static final QuestionVectors VECTORS = new QuestionVectors(new float[] { 1, 0 }, new float[] { 0, 1 }, new float[][] { { 0, 1 } });

    private Directory directory;
    private IndexWriter writer;

    @BeforeEach
    void segment() throws IOException {
        directory = new ByteBuffersDirectory();
        writer = new IndexWriter(directory, new IndexWriterConfig());
        addDocs(3);
    }

    @AfterEach
    void close() throws IOException {
        writer.close();
        directory.close();
    }

    private void addDocs(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            Document doc = new Document();
            doc.add(new StringField("id", Integer.toString(i), Field.Store.NO));
            writer.addDocument(doc);
        }
        writer.commit();
    }

    private static QaRequest request(String question) {
        return new QaRequest(question, "body", "mini", ReaderKind.LATE_INTERACTION, null, null, null).resolved("mini", ReaderKind.LATE_INTERACTION, VECTORS);
    }

    private static QaSignals signals(String text) {
        return new QaSignals(0, 1f, new CandidateReader.Read(new CandidateLoader.Loaded(text, List.of()), 0.5, null), 1.5, 0);
    }

    @Test
    void theSameRequestTakesEachHitOnceAndNoOtherHit() throws IOException {
        try (DirectoryReader reader = DirectoryReader.open(directory)) {
            LeafReaderContext leaf = reader.leaves().get(0);
            QueryPhaseReads reads = new QueryPhaseReads();
            QaSignals read = signals("doc 1");
            reads.keep(request("What is Ann's pass key?"), Map.of(QueryPhaseReads.Hit.of(leaf, 1), read));

            assertNull(reads.take(request("What is Ann's pass key?"), leaf, 2), "another document of the segment");
            assertSame(read, reads.take(request("What is Ann's pass key?"), leaf, 1), "the same request (a new object) takes the read");
            assertNull(reads.take(request("What is Ann's pass key?"), leaf, 1), "taken once: a hit is fetched once");
            assertEquals(0, reads.size(), "nothing left held");
        }
    }

    @Test
    void anotherQuestionFieldOrModelDoesNotHit() throws IOException {
        try (DirectoryReader reader = DirectoryReader.open(directory)) {
            LeafReaderContext leaf = reader.leaves().get(0);
            QueryPhaseReads reads = new QueryPhaseReads();
            QaRequest asked = request("What is Ann's pass key?");
            reads.keep(asked, Map.of(QueryPhaseReads.Hit.of(leaf, 0), signals("doc 0")));

            assertNull(reads.take(request("What is Bob's pass key?"), leaf, 0), "another question");
            QaRequest otherField = new QaRequest(asked.questionText(), "title", "mini", ReaderKind.LATE_INTERACTION, null, null, null)
                .resolved("mini", ReaderKind.LATE_INTERACTION, VECTORS);
            assertNull(reads.take(otherField, leaf, 0), "another field");
            QaRequest otherModel = new QaRequest(asked.questionText(), "body", "other", ReaderKind.LATE_INTERACTION, null, null, null)
                .resolved("other", ReaderKind.LATE_INTERACTION, VECTORS);
            assertNull(reads.take(otherModel, leaf, 0), "another model");
            assertNull(reads.take(asked.resolved("mini", ReaderKind.SPAN, VECTORS), leaf, 0), "another reader");
            assertEquals(1, reads.size(), "misses take nothing");
            assertEquals("doc 0", reads.take(asked, leaf, 0).read().loaded().text(), "the asked request still takes it");
        }
    }

    @Test
    void aChangedSegmentDoesNotHit() throws IOException {
        QueryPhaseReads reads = new QueryPhaseReads();
        QaRequest asked = request("What is Ann's pass key?");
        try (DirectoryReader before = DirectoryReader.open(directory)) {
            reads.keep(asked, Map.of(QueryPhaseReads.Hit.of(before.leaves().get(0), 0), signals("doc 0")));
        }
        addDocs(3); // a new segment whose first document has the same doc id within its segment
        writer.forceMerge(1); // and then one merged segment holding all six
        writer.commit();
        try (DirectoryReader after = DirectoryReader.open(directory)) {
            assertEquals(1, after.leaves().size());
            LeafReaderContext merged = after.leaves().get(0);
            assertNull(reads.take(asked, merged, 0), "doc 0 of a merged segment is not the read document");
            assertEquals(1, reads.size());
        }
    }

    @Test
    void aLaterQueryPhaseReplacesTheEarlierReads() throws IOException {
        try (DirectoryReader reader = DirectoryReader.open(directory)) {
            LeafReaderContext leaf = reader.leaves().get(0);
            QueryPhaseReads reads = new QueryPhaseReads();
            reads.keep(request("first?"), Map.of(QueryPhaseReads.Hit.of(leaf, 0), signals("a"), QueryPhaseReads.Hit.of(leaf, 1), signals("b")));
            reads.keep(request("second?"), Map.of(QueryPhaseReads.Hit.of(leaf, 2), signals("c")));
            assertEquals(1, reads.size(), "one set per reader context");
            assertNull(reads.take(request("first?"), leaf, 0));
            assertEquals("c", reads.take(request("second?"), leaf, 2).read().loaded().text());
        }
    }

    @Test
    void hitReadsPreferThisContextsReadThenTheCarriedOne() throws IOException {
        try (DirectoryReader reader = DirectoryReader.open(directory)) {
            LeafReaderContext leaf = reader.leaves().get(0);
            QaRequest asked = request("What is Ann's pass key?");
            QueryPhaseReads carried = new QueryPhaseReads();
            QaSignals fromQueryPhase = signals("carried");
            carried.keep(asked, Map.of(QueryPhaseReads.Hit.of(leaf, 0), fromQueryPhase, QueryPhaseReads.Hit.of(leaf, 1), signals("carried 1")));

            HitReads reads = new HitReads();
            assertNull(reads.forAnswer(leaf, 0, asked), "nothing read, nothing carried");
            QaSignals here = signals("here");
            reads.put(leaf.docBase + 1, here);
            reads.carry(carried);
            assertSame(fromQueryPhase, reads.forAnswer(leaf, 0, asked), "carried");
            assertSame(here, reads.forAnswer(leaf, 1, asked), "this context's own read first");
            assertNotSame(null, carried.take(asked, leaf, 1), "the carried read of a hit read here stays untaken");
        }
    }
}
