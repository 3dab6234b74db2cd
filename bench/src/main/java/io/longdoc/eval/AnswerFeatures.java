package io.longdoc.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longdoc.graph.GemmPrecision;
import io.longdoc.corpus.Corpus;
import io.longdoc.it.JsonRest;
import io.longdoc.model.LoadedModel;
import io.longdoc.runtime.HiddenStates;
import io.longdoc.document.StoredSection;
import io.longdoc.search.reader.Answer;
import io.longdoc.search.reader.AnswerLocator;
import io.longdoc.search.reader.QuestionTerms;
import io.longdoc.search.reader.QuestionVectors;
import io.longdoc.search.reader.SectionMatcher;
import io.longdoc.text.TokenizedText;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * For tuning answer placement on the dev corpus without the node: replays each deep-section question of a
 * {@code --signals} file on its target document (the stored sections and their match scores as the reader saw them),
 * encodes the document's best sections on their own with the long model, as {@code AnswerLocator} does, and writes one
 * JSON line per question with every sentence's features (its best cosine for each question token, which question words
 * it holds) and every section's (stored cosine and word share, pooled cosine), so {@code bench/answer-levers.py} can try
 * ways of choosing the answer. Dev corpora only.
 * <pre>
 * mvn -q exec:java -Dexec.mainClass=io.longdoc.eval.AnswerFeatures -Dexec.classpathScope=test \
 *   -Dexec.args="--signals target/signals-pydocs/signals-deep-section.jsonl.gz --deep-corpus bench/data/pydocs.jsonl.gz --out target/answer-features.jsonl.gz"
 * </pre>
 */
public final class AnswerFeatures {

    /** How many of the target's best sections are encoded (the plugin reads 6; more lets the script try more). */
    static final int SECTIONS = 16;

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        String model = o.getOrDefault("model", "bge-small-en-v1.5");
        Map<String, String> texts = new HashMap<>();
        for (Corpus.Document d : QualityHarness.deepCandidates(Path.of(o.get("deep-corpus")))) {
            texts.put(d.id(), d.text());
        }
        Path work = Files.createDirectories(Path.of(o.getOrDefault("work", "target/answer-features-work")));
        int done = 0;
        try (LocalModels local = new LocalModels(model, Path.of("src/main/models"), Path.of("target/model-sources/" + model),
                 Path.of("target/onnx-ops/liblongdoc_ops.so"), work, GemmPrecision.FP32);
             BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(Path.of(o.get("signals")))), StandardCharsets.UTF_8));
             BufferedWriter out = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(Path.of(o.get("out")))), StandardCharsets.UTF_8))) {
            LoadedModel long_ = local.longModel();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode q = JsonRest.MAPPER.readTree(line);
                String target = q.get("target").asText();
                JsonNode candidate = null;
                for (JsonNode c : q.get("candidates")) {
                    if (c.get("id").asText().equals(target)) {
                        candidate = c;
                    }
                }
                if (candidate == null) {
                    continue; // the first stage missed the target: nothing to place
                }
                String text = texts.get(target);
                String question = q.get("question").asText();
                QuestionVectors vectors = local.longQuestion(question);
                List<String> terms = new ArrayList<>(QuestionTerms.of(question));
                ObjectNode row = JsonRest.object();
                row.put("question", question).put("target", target).set("target_section", q.get("target_section"));
                row.set("node_qa", q.get("node_qa"));
                row.set("node_answer", q.get("node_answer"));
                row.set("terms", JsonRest.MAPPER.valueToTree(terms));
                ArrayNode sections = row.putArray("sections");
                List<double[]> stored = new ArrayList<>();
                for (JsonNode s : candidate.get("sections")) {
                    stored.add(new double[] { s.get(0).asInt(), s.get(1).asInt(), s.get(2).asDouble(), s.get(3).asDouble() });
                }
                // every section's terms (for IDF within the document) and its stored signals; the best SECTIONS encoded
                Integer[] order = new Integer[stored.size()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                java.util.Arrays.sort(order, (a, b) -> Double.compare(stored.get(b)[2] + SectionMatcher.LEXICAL_WEIGHT * stored.get(b)[3],
                    stored.get(a)[2] + SectionMatcher.LEXICAL_WEIGHT * stored.get(a)[3]));
                int[] rank = new int[order.length];
                for (int i = 0; i < order.length; i++) {
                    rank[order[i]] = i;
                }
                for (int i = 0; i < stored.size(); i++) {
                    double[] s = stored.get(i);
                    int from = (int) s[0];
                    int to = (int) s[1];
                    ObjectNode section = sections.addObject();
                    section.put("start", from).put("end", to).put("cos", s[2]).put("lex", s[3]).put("rank", rank[i]);
                    String sectionText = text.substring(from, to);
                    section.set("hits", hits(terms, QuestionTerms.of(sectionText)));
                    if (rank[i] < SECTIONS) {
                        encodeSection(long_, vectors, terms, sectionText, from, section);
                    }
                }
                // the plugin's own placement on the same inputs, so the script's replay of it can be checked
                Answer replay = AnswerLocator.locate(long_, vectors, text, storedSections(stored), match(stored, order));
                if (replay != null) {
                    row.putArray("plugin_answer").add(replay.start()).add(replay.end());
                }
                out.write(JsonRest.MAPPER.writeValueAsString(row));
                out.newLine();
                if (++done % 20 == 0) {
                    QualityHarness.progress("answer features: " + done + " questions");
                }
            }
        }
        QualityHarness.progress("answer features: " + done + " questions written to " + o.get("out"));
    }

    private static List<StoredSection> storedSections(List<double[]> stored) {
        return stored.stream().map(s -> new StoredSection((int) s[0], (int) s[1], new float[0])).toList();
    }

    private static SectionMatcher.Match match(List<double[]> stored, Integer[] order) {
        double[] scores = new double[stored.size()];
        double[] cosines = new double[stored.size()];
        double[] shares = new double[stored.size()];
        for (int i = 0; i < scores.length; i++) {
            cosines[i] = stored.get(i)[2];
            shares[i] = stored.get(i)[3];
            scores[i] = cosines[i] + SectionMatcher.LEXICAL_WEIGHT * shares[i];
        }
        int[] best = java.util.Arrays.stream(order).mapToInt(Integer::intValue).toArray();
        return new SectionMatcher.Match(scores[best[0]], best, scores, cosines, shares);
    }

    private static void encodeSection(LoadedModel model, QuestionVectors question, List<String> terms, String sectionText, int from,
                                      ObjectNode section) throws Exception {
        TokenizedText tokens = model.tokenize(sectionText).truncate(model.spec().maxTokens());
        LoadedModel.Encoding encoding = model.encode(tokens);
        section.put("pooled", round(LocalModels.cosine(question.pooled(), encoding.embedding())));
        HiddenStates hidden = encoding.hidden();
        float[][] vectors = new float[tokens.length()][];
        for (int t = 0; t < tokens.length(); t++) {
            vectors[t] = tokens.special()[t] ? null : HiddenStates.normalize(hidden.meanOfRows(t, t + 1));
        }
        ArrayNode sentences = section.putArray("sentences");
        for (int[] span : AnswerLocator.sentences(sectionText)) { // the sentences the plugin places answers in
            int s = span[0];
            int e = span[1];
            ArrayNode best = JsonRest.MAPPER.createArrayNode(); // per question token: its best cosine with a token of the sentence
            boolean any = false;
            for (float[] q : question.tokens()) {
                double max = Double.NEGATIVE_INFINITY;
                for (int t = 0; t < tokens.length(); t++) {
                    if (vectors[t] != null && tokens.starts()[t] >= s && tokens.ends()[t] <= e) {
                        max = Math.max(max, LocalModels.cosine(q, vectors[t]));
                        any = true;
                    }
                }
                best.add(round(max));
            }
            if (any == false) {
                continue;
            }
            ObjectNode sentence = sentences.addObject();
            sentence.put("start", from + s).put("end", from + e);
            sentence.set("maxsim", best);
            sentence.set("hits", hits(terms, QuestionTerms.of(sectionText.substring(s, e))));
        }
    }

    private static ArrayNode hits(List<String> terms, Set<String> words) {
        ArrayNode hits = JsonRest.MAPPER.createArrayNode();
        for (int i = 0; i < terms.size(); i++) {
            if (words.contains(terms.get(i))) {
                hits.add(i);
            }
        }
        return hits;
    }

    private static double round(double value) {
        return Math.round(value * 1e5) / 1e5;
    }
}
