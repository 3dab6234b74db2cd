package io.longdoc.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Reads JSONL corpora ({@code {"id","title","source","text","sections":[...]}} a line): the project's own in
 * {@code bench/data} ({@code tests.corpus.dir}), or any file of that shape, plain ({@code .jsonl}) or gzipped
 * ({@code .jsonl.gz}; told by the gzip magic bytes, not the name).
 */
public final class Corpus {

    public static final String DIR_PROPERTY = "tests.corpus.dir";

    private static final ObjectMapper MAPPER = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** One document; fields other than these are ignored. */
    public record Document(String id, String title, String source, String text, List<Heading> sections) {
        public Document {
            sections = sections == null ? List.of() : sections;
        }

        /** The same document cut to its first {@code words} words (keeps the suite's encoding time bounded). */
        public Document opening(int words) {
            return new Document(id, title, source, Texts.firstWords(text, words), List.of());
        }
    }

    /** A section of a structured document: its heading (not in the text) and its body's characters {@code [start, end)}. */
    public record Heading(String heading, int level, int start, int end) {}

    private Corpus() {}

    /** {@code sotu.jsonl.gz}: 230 State of the Union addresses, each at least 1,500 words. */
    public static Path sotu() {
        return file("sotu");
    }

    /** {@code pydocs.jsonl.gz}: 220 pages of the Python documentation. */
    public static Path pydocs() {
        return file("pydocs");
    }

    /** The first {@code n} documents of a JSONL file, read lazily; fails if the file holds fewer. */
    public static List<Document> first(Path file, int n) {
        try (Stream<Document> documents = stream(file)) {
            List<Document> out = documents.limit(n).toList();
            if (out.size() < n) {
                throw new IllegalStateException("[" + file + "] holds " + out.size() + " documents, " + n + " wanted");
            }
            return out;
        }
    }

    /** The documents of a JSONL file (plain or gzipped), one line at a time; close the stream. */
    public static Stream<Document> stream(Path file) {
        BufferedReader reader;
        try {
            reader = open(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read corpus [" + file + "]", e);
        }
        return reader.lines()
            .filter(line -> !line.isBlank())
            .map(line -> parse(file, line))
            .onClose(() -> {
                try {
                    reader.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
    }

    /** The lines of a corpus file, UTF-8, gunzipped when the file starts with gzip's magic bytes (whatever its name). */
    public static BufferedReader open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            in.mark(2);
            int first = in.read();
            int second = in.read();
            in.reset();
            if (first == 0x1f && second == 0x8b) {
                in = new GZIPInputStream(in, 1 << 16);
            }
        } catch (IOException e) {
            in.close();
            throw e;
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()));
    }

    private static Document parse(Path file, String line) {
        try {
            Document document = MAPPER.readValue(line, Document.class);
            if (document.id() == null || document.text() == null) {
                throw new IllegalStateException("a line of [" + file + "] has no id or text");
            }
            return inUtf16(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a line of [" + file + "] is not a corpus document: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Section offsets in the files count Unicode code points (what the Python that writes them counts); Java strings
     * index UTF-16 units, which differ after each character outside the Basic Multilingual Plane (an emoji).
     */
    static Document inUtf16(Document document) {
        String text = document.text();
        int codePoints = text.codePointCount(0, text.length());
        if (codePoints == text.length() || document.sections().isEmpty()) {
            return document;
        }
        List<Heading> sections = document.sections().stream()
            .map(h -> new Heading(h.heading(), h.level(), utf16(text, h.start(), codePoints), utf16(text, h.end(), codePoints)))
            .toList();
        return new Document(document.id(), document.title(), document.source(), text, sections);
    }

    /** An offset outside the text stays outside it, so the checks that reject such a section still see it. */
    private static int utf16(String text, int codePointOffset, int codePoints) {
        if (codePointOffset < 0) {
            return codePointOffset;
        }
        if (codePointOffset > codePoints) {
            return codePointOffset + text.length() - codePoints;
        }
        return text.offsetByCodePoints(0, codePointOffset);
    }

    /** {@code <name>.jsonl.gz} in the corpus folder, or {@code <name>.jsonl} where only a plain copy is there. */
    private static Path file(String name) {
        Path dir = dir();
        for (String candidate : List.of(name + ".jsonl.gz", name + ".jsonl")) {
            Path file = dir.resolve(candidate);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new IllegalStateException(
            "corpus [" + name + ".jsonl.gz] (or [" + name + ".jsonl]) not found in [" + dir + "] (" + DIR_PROPERTY + ")");
    }

    /** The folder of the JSONL corpora, {@code bench/data}, which the build passes as {@value #DIR_PROPERTY}. */
    public static Path dir() {
        String value = System.getProperty(DIR_PROPERTY);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property [" + DIR_PROPERTY + "] is not set: Maven sets it to bench/data; "
                + "to run the tests another way pass -D" + DIR_PROPERTY + "=<repo>/bench/data");
        }
        Path dir = Path.of(value).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("System property [" + DIR_PROPERTY + "] = [" + dir + "] is not a directory");
        }
        return dir;
    }
}
