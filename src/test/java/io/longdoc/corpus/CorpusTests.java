package io.longdoc.corpus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorpusTests {

    @Test
    void sectionOffsetsCountCodePointsAndBecomeJavaIndices(@TempDir Path dir) throws Exception {
        // "🙂" is one code point and two UTF-16 units: the section after it starts one unit later in Java
        String text = "Intro 🙂 here.\nThe body of the section.";
        int bodyCodePoint = text.codePointCount(0, text.indexOf("The body"));
        int endCodePoint = text.codePointCount(0, text.length());
        Path file = Files.writeString(dir.resolve("c.jsonl"), "{\"id\":\"d\",\"title\":\"t\",\"source\":\"s\",\"text\":\"" + text.replace("\n", "\\n")
            + "\",\"sections\":[{\"heading\":\"Body\",\"level\":2,\"start\":" + bodyCodePoint + ",\"end\":" + endCodePoint + "},"
            + "{\"heading\":\"Past the end\",\"level\":2,\"start\":" + bodyCodePoint + ",\"end\":" + (endCodePoint + 3) + "}]}\n");
        Corpus.Document document = Corpus.first(file, 1).get(0);
        Corpus.Heading body = document.sections().get(0);
        assertEquals("The body of the section.", text.substring(body.start(), body.end()));
        assertEquals(text.length() + 3, document.sections().get(1).end(), "an offset past the text stays past it");
    }

    @Test
    void aTextWithoutSurrogatesKeepsItsOffsets() {
        Corpus.Document plain = new Corpus.Document("d", "t", "s", "plain text", List.of(new Corpus.Heading("h", 1, 2, 5)));
        assertEquals(plain, Corpus.inUtf16(plain));
    }

    @Test
    void aGzippedCorpusReadsLikeThePlainOneWhateverItsName(@TempDir Path dir) throws Exception {
        String jsonl = "{\"id\":\"a\",\"title\":\"A\",\"source\":\"s\",\"text\":\"caf\u00e9 one\"}\n\n"
            + "{\"id\":\"b\",\"title\":\"B\",\"source\":\"s\",\"text\":\"two\"}\n";
        Path plain = Files.writeString(dir.resolve("c.jsonl"), jsonl);
        List<Corpus.Document> expected = Corpus.first(plain, 2);
        for (String name : List.of("c.jsonl.gz", "gzipped-but-named.jsonl")) {
            Path gzipped = dir.resolve(name);
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipped))) {
                out.write(jsonl.getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(expected, Corpus.first(gzipped, 2), name);
        }
        assertEquals("caf\u00e9 one", expected.get(0).text());
    }

    @Test
    void theProjectCorporaAreInTheRepositoryGzipped() {
        assertTrue(Corpus.sotu().toString().endsWith("bench/data/sotu.jsonl.gz"), Corpus.sotu().toString());
        assertTrue(Corpus.pydocs().toString().endsWith("bench/data/pydocs.jsonl.gz"), Corpus.pydocs().toString());
        assertEquals(230, Corpus.stream(Corpus.sotu()).count());
        assertEquals(220, Corpus.stream(Corpus.pydocs()).count());
    }
}
