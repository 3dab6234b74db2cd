package io.longdoc.it;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Reads the JSONL corpora of {@code tests.shared.data} ({@code {"id","title","source","text","sections":[...]}} a line). */
public final class Corpus {

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

    /** {@code sotu.jsonl}: 230 State of the Union addresses, each at least 1,500 words. */
    public static Path sotu() {
        return file("sotu.jsonl");
    }

    /** {@code pydocs.jsonl}: 220 pages of the Python documentation. */
    public static Path pydocs() {
        return file("pydocs.jsonl");
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

    /** The documents of a JSONL file, one line at a time; close the stream. */
    public static Stream<Document> stream(Path file) {
        BufferedReader reader;
        try {
            reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
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

    private static Document parse(Path file, String line) {
        try {
            Document document = JsonRest.MAPPER.readValue(line, Document.class);
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

    private static Path file(String name) {
        Path file = HarnessConfig.sharedData().resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("corpus [" + file + "] not found (" + HarnessConfig.SHARED_DATA + ")");
        }
        return file;
    }
}
