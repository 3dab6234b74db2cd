package io.longdoc.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longdoc.document.StoredSection;
import io.longdoc.it.JsonRest;
import io.longdoc.search.reader.QuestionTerms;
import io.longdoc.search.reader.QuestionVectors;
import io.longdoc.search.reader.SectionMatcher;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * For tuning the reader on the dev corpora without re-ingesting: one JSON line per deep-section question with what
 * {@code long_doc_qa}'s late-interaction reader sees (its first stage, replayed: BM25 from the node and exact kNN on
 * the stored document embeddings, fused by reciprocal rank as the query does; then every candidate section's cosine
 * and lexical share, from the plugin's own {@link SectionMatcher}) and the baselines' rankings. A script then tries
 * other ways of combining the signals ({@code bench/reader-levers.py}). How often the replay's top hit is the node's
 * is counted, so a replay that drifted from the plugin shows.
 */
final class ReaderSignals implements AutoCloseable {

    static final int FIRST_STAGE = 100;

    private final BufferedWriter out;
    private int questions;
    private int sameTop;

    ReaderSignals(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        out = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file)), StandardCharsets.UTF_8));
    }

    /** One question; returns the replayed reader's ranking (top 10). */
    List<String> write(EvalSet.Question question, QuestionVectors vectors, List<String> bm25, Map<String, QualityNode.Stored> stored,
                       Map<String, String> texts, QualityNode.Hits node, Map<String, List<String>> baselines) throws IOException {
        List<String> nodeQa = node.ids();
        List<String> knn = QualityHarness.rank(stored.keySet(), id -> LocalModels.cosine(vectors.pooled(), stored.get(id).embedding()), FIRST_STAGE);
        List<String> firstStage = ReciprocalRankFusion.fuse(List.of(knn, bm25), FIRST_STAGE);
        Set<String> terms = QuestionTerms.of(question.text());
        List<SectionMatcher.Candidate> candidates = new ArrayList<>();
        for (String id : firstStage) {
            candidates.add(SectionMatcher.Candidate.of(texts.get(id), stored.get(id).sections()));
        }
        List<SectionMatcher.Match> matches = SectionMatcher.rank(vectors, terms, candidates);
        ObjectNode line = JsonRest.object();
        line.put("question", question.text()).put("target", question.targetId());
        line.putArray("target_section").add(question.sectionStart()).add(question.sectionEnd());
        line.set("node_qa", strings(nodeQa));
        line.putArray("node_answer").add(node.answerStart()).add(node.answerEnd()); // the top hit's answer span, to replay placement
        baselines.forEach((name, ranking) -> line.set(name, strings(ranking)));
        line.set("first_stage", strings(firstStage));
        ArrayNode read = line.putArray("candidates");
        Map<String, Double> readerScores = new LinkedHashMap<>();
        for (int c = 0; c < firstStage.size(); c++) {
            ObjectNode candidate = read.addObject().put("id", firstStage.get(c));
            ArrayNode sections = candidate.putArray("sections"); // [start, end, cosine, lexical share]
            SectionMatcher.Match match = matches.get(c);
            for (int s = 0; s < candidates.get(c).sections().size(); s++) {
                StoredSection section = candidates.get(c).sections().get(s);
                sections.addArray().add(section.start()).add(section.end()).add(round(match.cosines()[s])).add(round(match.lexicalShares()[s]));
            }
            readerScores.put(firstStage.get(c), match.score());
        }
        out.write(JsonRest.MAPPER.writeValueAsString(line));
        out.newLine();
        List<String> replay = QualityHarness.rank(readerScores.keySet(), readerScores::get);
        questions++;
        if (replay.isEmpty() == false && nodeQa.isEmpty() == false && replay.get(0).equals(nodeQa.get(0))) {
            sameTop++;
        }
        return replay;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = JsonRest.MAPPER.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private static double round(double value) {
        return Math.round(value * 1e5) / 1e5;
    }

    /** "the replay's top hit is the node's for N of M questions". */
    String agreement() {
        return "the replayed reader's top hit is the node's for " + sameTop + " of " + questions + " questions";
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
