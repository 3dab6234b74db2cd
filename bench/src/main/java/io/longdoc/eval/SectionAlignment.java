package io.longdoc.eval;

import io.longdoc.corpus.Corpus;
import io.longdoc.corpus.DeepSectionTask;
import io.longdoc.text.Section;
import io.longdoc.text.Sectioner;
import io.longdoc.text.TokenizedText;
import io.longdoc.text.Tokenizer;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How each of the processor's section cuts lines up with a corpus's own sections, with the tokenizer alone (no model,
 * seconds): for every heading of the corpus and for the deep-section task's headings, whether a section starts where
 * the heading's body starts (no section straddles the boundary), and the sections' sizes. A cheap proxy to look at
 * before a quality run; it measures only boundaries, not retrieval.
 * <pre>
 * bash bench/java.sh io.longdoc.eval.SectionAlignment --corpus bench/data/pydocs.jsonl.gz
 *   [--tokenizer target/model-sources/bge-small-en-v1.5/bge-small-en-v1.5-tokenizer.json] [--max-tokens 16384]
 * </pre>
 */
public final class SectionAlignment {

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        Path corpus = Path.of(o.get("corpus"));
        int maxTokens = Integer.parseInt(o.getOrDefault("max-tokens", "16384"));
        try (Tokenizer tokenizer = Tokenizer.load(Path.of(o.getOrDefault("tokenizer",
            "target/model-sources/bge-small-en-v1.5/bge-small-en-v1.5-tokenizer.json")))) {
            List<Corpus.Document> documents = QualityHarness.deepCandidates(corpus);
            List<DeepSectionTask.Query> queries = DeepSectionTask.select(documents, tokenizer::tokenize, 0, 1);
            Map<String, Corpus.Document> byId = new HashMap<>();
            documents.forEach(d -> byId.put(d.id(), d));
            System.out.printf(Locale.ROOT, "%s: %d documents, %d deep-section headings%n", corpus, documents.size(), queries.size());
            System.out.println("| section_breaks | sections | mean tokens | < 32 tokens | headings whose body starts a section (all) | (deep-section) |");
            System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
            for (Sectioner.Breaks breaks : Sectioner.Breaks.values()) {
                Sectioner sectioner = new Sectioner(64, 128, breaks);
                Map<String, List<Section>> cut = new HashMap<>();
                long sections = 0, tokens = 0, small = 0, headings = 0, aligned = 0;
                for (Corpus.Document document : documents) {
                    TokenizedText encoded = tokenizer.tokenize(document.text()).truncate(maxTokens);
                    List<Section> list = sectioner.sections(document.text(), encoded);
                    cut.put(document.id(), list);
                    sections += list.size();
                    for (Section s : list) {
                        tokens += s.tokens();
                        small += s.tokens() < 32 ? 1 : 0;
                    }
                    int covered = list.isEmpty() ? 0 : list.get(list.size() - 1).end();
                    for (Corpus.Heading heading : document.sections()) {
                        if (heading.start() < covered) { // past the truncation nothing is cut
                            headings++;
                            aligned += startsASection(document.text(), heading.start(), list) ? 1 : 0;
                        }
                    }
                }
                long deepAligned = queries.stream()
                    .filter(q -> startsASection(byId.get(q.documentId()).text(), q.start(), cut.get(q.documentId()))).count();
                System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.3f | %.3f (%d / %d) | %.3f (%d / %d) |%n", breaks, sections,
                    (double) tokens / sections, (double) small / sections, (double) aligned / headings, aligned, headings,
                    (double) deepAligned / queries.size(), deepAligned, queries.size());
            }
        }
    }

    /** Whether no section holds text on both sides of {@code offset} (whitespace around it does not count). */
    static boolean startsASection(String text, int offset, List<Section> sections) {
        int before = offset;
        while (before > 0 && Character.isWhitespace(text.charAt(before - 1))) {
            before--;
        }
        int after = offset;
        while (after < text.length() && Character.isWhitespace(text.charAt(after))) {
            after++;
        }
        for (Section s : sections) {
            if (s.start() < before && s.end() > after) {
                return false;
            }
        }
        return true;
    }
}
