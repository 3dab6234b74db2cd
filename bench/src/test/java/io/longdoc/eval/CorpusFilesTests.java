package io.longdoc.eval;

import io.longdoc.corpus.Corpus;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every corpus in {@code bench/data} ({@code *.jsonl.gz}) is of the shape the harnesses read (docs/EVAL.md, "Data"):
 * enough documents, unique ids, text in each, sections inside the text, in order and apart, and enough structure for
 * the deep-section task. A corpus added there is checked without a change here.
 */
class CorpusFilesTests {

    private static final int MIN_DOCUMENTS = 100;
    /** The corpora that are smaller, by the recipe that makes them (bench/data/README.md): their exact size. */
    private static final Map<String, Integer> SMALLER = Map.of("nodejs.jsonl.gz", 50, "gitdocs.jsonl.gz", 94);
    /** The corpora without sections (speeches: filler and length stress). */
    private static final Set<String> WITHOUT_SECTIONS = Set.of("sotu.jsonl.gz");

    private static List<Path> corpora() throws IOException {
        try (Stream<Path> files = Files.list(Corpus.dir())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsonl.gz")).sorted().toList();
        }
    }

    @Test
    void theCorporaOfTheReadmeAreThere() throws IOException {
        Set<String> names = new HashSet<>();
        corpora().forEach(f -> names.add(f.getFileName().toString()));
        assertTrue(names.containsAll(Set.of("sotu.jsonl.gz", "pydocs.jsonl.gz", "nodejs.jsonl.gz", "gitdocs.jsonl.gz")), names.toString());
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusIsOfTheShapeTheHarnessesRead() throws IOException {
        return corpora().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> check(file)));
    }

    private static void check(Path file) {
        String name = file.getFileName().toString();
        List<Corpus.Document> documents;
        try (Stream<Corpus.Document> all = Corpus.stream(file)) {
            documents = all.toList();
        }
        if (SMALLER.containsKey(name)) {
            assertEquals(SMALLER.get(name), documents.size(), name + ": documents");
        } else {
            assertTrue(documents.size() >= MIN_DOCUMENTS, name + ": " + documents.size() + " documents, at least " + MIN_DOCUMENTS + " wanted");
        }
        Set<String> ids = new HashSet<>();
        int structured = 0;
        for (Corpus.Document document : documents) {
            String where = name + " [" + document.id() + "]";
            assertTrue(ids.add(document.id()), where + ": id used twice");
            assertFalse(document.text().isBlank(), where + ": blank text");
            int previousEnd = 0;
            for (Corpus.Heading section : document.sections()) {
                String what = where + " section [" + section.heading() + "] [" + section.start() + ", " + section.end() + ")";
                assertTrue(section.start() >= 0 && section.start() < section.end() && section.end() <= document.text().length(),
                    what + ": not a non-empty range of a text of " + document.text().length() + " characters");
                assertTrue(section.start() >= previousEnd, what + ": starts before the end of the section before it (" + previousEnd + ")");
                previousEnd = section.end();
            }
            if (document.sections().size() >= 3) {
                structured++;
            }
        }
        if (WITHOUT_SECTIONS.contains(name)) {
            assertEquals(0, documents.stream().mapToInt(d -> d.sections().size()).sum(), name + ": sections");
        } else {
            assertTrue(3 * structured >= documents.size(),
                name + ": " + structured + " of " + documents.size() + " documents have 3 sections or more, a third wanted");
        }
    }
}
