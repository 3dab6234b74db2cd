package io.longdoc.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
