package io.longdoc.eval;

import io.longdoc.corpus.DeepSectionTask;
import io.longdoc.corpus.InsertionTask;
import io.longdoc.graph.GemmPrecision;

import io.longdoc.corpus.Corpus;
import io.longdoc.search.reader.QuestionVectors;
import io.longdoc.document.StoredSection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The quality harness of EVAL.md in one command: passkey and needle at each length and deep-section over the corpus,
 * ten methods on the same sets (bm25 and longdoc-qa through a real node; longdoc-doc and longdoc-sections from what
 * the node's ingest stored; truncate-512, chunk-512, semantic-text and sections-alone from the same weights as the
 * original short model in process; bm25-english with Lucene's English analysis in process; hybrid-rrf fusing
 * bm25-english and semantic-text as the {@code rrf} retriever does), written to
 * {@code DIR/quality.json} and {@code DIR/quality.md}. Nothing here depends on a corpus's names or contents.
 * <pre>
 * bash bench/quality.sh --corpus bench/data/sotu.jsonl.gz --deep-corpus bench/data/pydocs.jsonl.gz --out DIR
 *   [--lengths 1024,2048,4096,8192,16384] [--tasks passkey,needle,deep-section] [--candidates 100] [--queries 50]
 *   [--deep-queries 0 (all)] [--deep-per-document 1 (0: every qualifying heading)] [--methods m1,m2 (default: all)]
 *   [--signals DIR (the reader's signals of every set, for bench/reader-levers.py)]
 *   [--section-breaks headings | sentences (the pipeline's section_breaks; default: the processor's)]
 *   [--qa key=value,... (long_doc_qa options for every question, e.g. score_mode=reader; default: the query's defaults)]
 *   [--quantize fp32 | int8 (every encoder with int8 GEMMs: the long model as {@code <model>-int8} in the node and in
 *    process, the short model compiled with dense attention; run it beside an fp32 run of the same options)]
 *   [--compile key=value,... (the long model's compile section changed, e.g. positions=interpolate or
 *    attention.window=128, under an id of its own, in the node and in process: {@link SpecVariant})]
 * </pre>
 */
public final class QualityHarness {

    static final List<String> METHODS = List.of("bm25", "bm25-english", "truncate-512", "chunk-512", "semantic-text", "hybrid-rrf",
        "sections-alone", "longdoc-doc", "longdoc-sections", "longdoc-qa");

    /** How deep each of {@code hybrid-rrf}'s two rankings goes ({@code rank_window_size}); generous to the baseline. */
    static final int RRF_WINDOW = 100;

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        Path corpus = Path.of(require(o, "corpus"));
        Path deepCorpus = Path.of(o.getOrDefault("deep-corpus", o.get("corpus")));
        Path out = Path.of(o.getOrDefault("out", "bench/results/quality"));
        String model = o.getOrDefault("model", "bge-small-en-v1.5");
        int[] lengths = Arrays.stream(o.getOrDefault("lengths", "1024,2048,4096,8192,16384").split(",")).mapToInt(Integer::parseInt).toArray();
        Set<String> tasks = Set.of(o.getOrDefault("tasks", "passkey,needle,deep-section").split(","));
        // --methods: a subset, e.g. to check a change to longdoc-qa without the baselines' encoding passes
        Set<String> methods = Set.of(o.getOrDefault("methods", String.join(",", METHODS)).split(","));
        if (METHODS.containsAll(methods) == false) {
            throw new IllegalArgumentException("--methods must be some of " + METHODS + ", got " + methods);
        }
        int candidates = Integer.parseInt(o.getOrDefault("candidates", "100"));
        if (candidates < 1 || candidates > InsertionTask.NAMES.size()) {
            // a bad option fails the run at once; only what the corpus cannot fill becomes a "not run" row below
            throw new IllegalArgumentException("--candidates must be 1.." + InsertionTask.NAMES.size() + " (one distinct name a document), got " + candidates);
        }
        int queries = Integer.parseInt(o.getOrDefault("queries", "50"));
        int deepLimit = Integer.parseInt(o.getOrDefault("deep-queries", "0"));
        int deepPerDocument = Integer.parseInt(o.getOrDefault("deep-per-document", "1"));
        long seed = Long.parseLong(o.getOrDefault("seed", "20261122"));
        Path work = Files.createDirectories(Path.of(o.getOrDefault("work", "target/quality-work")));
        // --signals DIR: also write every set's reader signals there (for tuning on dev corpora only)
        Path signalsDir = o.containsKey("signals") ? Path.of(o.get("signals")) : null;
        Files.createDirectories(out);

        List<String> fillers;
        try (var documents = Corpus.stream(corpus)) {
            fillers = documents.map(Corpus.Document::text).toList();
        }
        // --resume true: sets already in DIR/quality.json (same options) are kept, the rest are run; the full run takes
        // longer than one sitting on a small machine, so it may be spread over several
        boolean resume = Boolean.parseBoolean(o.getOrDefault("resume", "false"));
        Map<String, String> settings = new java.util.TreeMap<>(o);
        settings.remove("resume");
        settings.remove("out");
        settings.remove("signals");
        QualityReport.Previous previous = resume ? QualityReport.read(out, settings) : QualityReport.Previous.NONE;
        List<Map<String, Object>> records = new ArrayList<>(previous.records());
        long started = System.nanoTime() - (long) (previous.seconds() * 1e9);
        // --quantize int8: every encoder of the run (the long model in the node and in process, the short model of the
        // baselines) with int8 GEMMs, to set beside an fp32 run of the same options
        GemmPrecision precision = Int8Models.parse(o.getOrDefault("quantize", "fp32"));
        try (LocalModels local = new LocalModels(model, Path.of(o.getOrDefault("spec-dir", "src/main/models")),
                 Path.of(o.getOrDefault("model-dir", "target/model-sources/" + model)),
                 Path.of(o.getOrDefault("ops-library", "onnx-ops/target/liblongdoc_ops.so")), work, precision,
                 SpecVariant.parse(o.get("compile")));
             QualityNode node = new QualityNode(Path.of(o.getOrDefault("es-distribution", "target/es-distribution/elasticsearch-9.2.0.zip")),
                 Path.of(o.getOrDefault("plugin-zip", "target/longdoc-0.1.0-SNAPSHOT-es9.2.0.zip")), work, local.longModelId(),
                 work.resolve("models").resolve(local.longModelId()), o.get("section-breaks"))) {
            // --qa score_mode=reader,rank_weight=0.5: long_doc_qa options for every question, to measure one beside the defaults
            node.qaOptions(KeyValues.parse(o.get("qa"), "--qa"));
            progress("node and models ready");
            List<EvalSet> sets = new ArrayList<>();
            // deep-section first: real structure, and the one task whose documents do not depend on a length
            if (tasks.contains("deep-section") && previous.has("deep-section", 0) == false) {
                EvalSet deep = deepSectionSet(deepCorpus, local, deepLimit, deepPerDocument);
                if (deep == null) {
                    records.add(Map.of("task", "deep-section", "length", 0,
                        "status", "not applicable: the corpus has no sections after token 512 with unique headings"));
                } else {
                    sets.add(deep);
                }
            }
            for (String task : List.of("passkey", "needle")) {
                if (tasks.contains(task)) {
                    for (int length : lengths) {
                        if (previous.has(task, length)) {
                            progress(task + " " + length + ": kept from the earlier run (--resume)");
                            continue;
                        }
                        try {
                            sets.add(insertionSet(task, length, fillers, local, candidates, queries, seed + length));
                        } catch (IllegalArgumentException e) {
                            // a small corpus may not fill the longest lengths: say so in the table, run the rest
                            progress(task + " " + length + ": not run: " + e.getMessage());
                            records.add(Map.of("task", task, "length", length, "status", "not run: " + e.getMessage()));
                        }
                    }
                }
            }
            for (EvalSet set : sets) {
                records.addAll(evaluate(set, local, node, methods, signalsDir));
                QualityReport.write(out, records, commandOf(args), settings, (System.nanoTime() - started) / 1e9);
            }
        }
        QualityReport.write(out, records, commandOf(args), settings, (System.nanoTime() - started) / 1e9);
        progress("done: " + out.resolve("quality.md"));
    }

    static EvalSet insertionSet(String task, int length, List<String> fillers, LocalModels local, int candidates, int queries, long seed) {
        InsertionTask.Kind kind = "passkey".equals(task) ? InsertionTask.Kind.PASSKEY : InsertionTask.Kind.NEEDLE;
        List<InsertionTask.Item> items = InsertionTask.generate(kind, fillers, local::tokenize, length, candidates, seed);
        List<EvalSet.Doc> docs = items.stream().map(i -> new EvalSet.Doc(i.id(), i.text())).toList();
        List<EvalSet.Question> questions = items.subList(0, Math.min(queries, items.size())).stream()
            .map(i -> new EvalSet.Question(i.question(), i.id(), i.answer(), -1, -1)).toList();
        progress(task + " " + length + ": " + docs.size() + " documents, " + questions.size() + " questions");
        return new EvalSet(task, length, docs, questions);
    }

    static EvalSet deepSectionSet(Path corpus, LocalModels local, int limit, int perDocument) {
        List<Corpus.Document> documents = deepCandidates(corpus);
        List<DeepSectionTask.Query> selected = DeepSectionTask.select(documents, local::tokenize, limit, perDocument);
        if (selected.isEmpty()) {
            return null;
        }
        List<EvalSet.Doc> docs = documents.stream().map(d -> new EvalSet.Doc(d.id(), d.text())).toList();
        List<EvalSet.Question> questions = selected.stream()
            .map(q -> new EvalSet.Question(q.heading(), q.documentId(), null, q.start(), q.end())).toList();
        progress("deep-section: " + docs.size() + " documents, " + questions.size() + " headings");
        return new EvalSet("deep-section", 0, docs, questions);
    }

    /** The corpus's documents as deep-section candidates: blank texts left out, an id used twice refused. */
    static List<Corpus.Document> deepCandidates(Path corpus) {
        List<Corpus.Document> documents;
        try (var all = Corpus.stream(corpus)) {
            // a blank text has nothing to encode (the processor rejects it) and no section to ask about
            documents = all.filter(d -> d.text().isBlank() == false).toList();
        }
        Set<String> ids = new java.util.HashSet<>();
        for (Corpus.Document document : documents) {
            if (ids.add(document.id()) == false) {
                throw new IllegalArgumentException("[" + corpus + "] holds the id [" + document.id() + "] twice: deep-section needs one document an id");
            }
        }
        return documents;
    }

    static List<Map<String, Object>> evaluate(EvalSet set, LocalModels local, QualityNode node, Set<String> methods, Path signalsDir) throws Exception {
        String name = set.task() + (set.length() > 0 ? " " + set.length() : "");
        long start = System.nanoTime();
        node.ingest(set.documents(), done -> progress(name + ": ingested " + done + " / " + set.documents().size()));
        double ingestSeconds = (System.nanoTime() - start) / 1e9;
        Map<String, QualityNode.Stored> stored = node.stored(set.documents().size());
        Map<String, float[]> truncated = new HashMap<>();
        Map<String, List<float[]>> chunks = new HashMap<>();
        Map<String, List<float[]>> semanticChunks = new HashMap<>();
        Map<String, List<float[]>> sectionsAlone = new HashMap<>();
        boolean semantic = methods.contains("semantic-text") || methods.contains("hybrid-rrf") || signalsDir != null;
        int done = 0;
        for (EvalSet.Doc doc : set.documents()) {
            if (methods.contains("truncate-512")) {
                truncated.put(doc.id(), local.truncated(doc.text()));
            }
            if (methods.contains("chunk-512")) {
                chunks.put(doc.id(), local.chunks(doc.text()));
            }
            if (semantic) {
                semanticChunks.put(doc.id(), local.spans(doc.text(), SentenceChunker.chunk(doc.text()).stream().map(c -> new int[] { c.start(), c.end() }).toList()));
            }
            if (methods.contains("sections-alone")) {
                // the late-chunking ablation: longdoc's own section boundaries, each section encoded alone
                List<StoredSection> sections = stored.get(doc.id()).sections();
                sectionsAlone.put(doc.id(), local.spans(doc.text(), sections.stream().map(c -> new int[] { c.start(), c.end() }).toList()));
            }
            if (++done % 10 == 0 || done == set.documents().size()) {
                progress(name + ": short model " + done + " / " + set.documents().size());
            }
        }
        EnglishBm25 english = new EnglishBm25(set.documents());
        Map<String, String> texts = new HashMap<>();
        set.documents().forEach(d -> texts.put(d.id(), d.text()));
        // the reader's signals, for tuning on the dev corpora without re-ingesting (bench/reader-levers.py)
        ReaderSignals signals = signalsDir != null
            ? new ReaderSignals(signalsDir.resolve("signals-" + set.task() + (set.length() > 0 ? "-" + set.length() : "") + ".jsonl.gz")) : null;
        Map<String, MethodScores> scores = new LinkedHashMap<>();
        METHODS.stream().filter(methods::contains).forEach(m -> scores.put(m, new MethodScores()));
        for (EvalSet.Question question : set.questions()) {
            String target = question.targetId();
            // a method's ranking is computed only when the run asks for that method (--methods)
            java.util.function.BiConsumer<String, java.util.function.Supplier<List<String>>> add = (method, ranking) -> {
                if (scores.containsKey(method)) {
                    scores.get(method).add(target, ranking.get());
                }
            };
            add.accept("bm25", () -> node.bm25(question.text()).ids());
            QualityNode.Hits qa = node.longDocQa(question.text(), Math.min(100, set.documents().size()));
            add.accept("longdoc-qa", qa::ids);
            if (scores.containsKey("longdoc-qa")) {
                boolean first = qa.ids().isEmpty() == false && qa.ids().get(0).equals(target);
                scores.get("longdoc-qa").addAnswer(first && question.isRightAnswer(qa.answer(), qa.answerStart(), qa.answerEnd()));
                if (first == false) {
                    // which questions the reader misses, and where their target landed (-1: below the top 10)
                    progress(name + ": longdoc-qa missed [" + question.text() + "]: target at " + qa.ids().indexOf(target) + ", first " + (qa.ids().isEmpty() ? "none" : qa.ids().get(0)));
                }
            }
            QuestionVectors longQ = local.longQuestion(question.text());
            float[] shortQ = local.shortQuestion(question.text());
            add.accept("longdoc-doc", () -> rank(stored.keySet(), id -> LocalModels.cosine(longQ.pooled(), stored.get(id).embedding())));
            add.accept("longdoc-sections", () -> rank(stored.keySet(), id -> bestSection(longQ, stored.get(id).sections())));
            add.accept("truncate-512", () -> rank(truncated.keySet(), id -> LocalModels.cosine(shortQ, truncated.get(id))));
            add.accept("chunk-512", () -> rank(chunks.keySet(), id -> best(shortQ, chunks.get(id))));
            List<String> englishRanking = english.search(question.text(), RRF_WINDOW);
            List<String> semanticRanking = semantic ? rank(semanticChunks.keySet(), id -> best(shortQ, semanticChunks.get(id)), RRF_WINDOW) : List.of();
            add.accept("bm25-english", () -> englishRanking);
            add.accept("semantic-text", () -> semanticRanking);
            add.accept("hybrid-rrf", () -> ReciprocalRankFusion.fuse(List.of(englishRanking, semanticRanking), 10));
            add.accept("sections-alone", () -> rank(sectionsAlone.keySet(), id -> best(shortQ, sectionsAlone.get(id))));
            if (signals != null) {
                Map<String, List<String>> baselines = new LinkedHashMap<>();
                baselines.put("bm25_english", englishRanking);
                baselines.put("semantic_text", semanticRanking);
                signals.write(question, longQ, node.bm25(question.text(), ReaderSignals.FIRST_STAGE).ids(), stored, texts, qa, baselines);
            }
        }
        english.close();
        if (signals != null) {
            signals.close();
            progress(name + ": " + signals.agreement());
        }
        List<Map<String, Object>> records = new ArrayList<>();
        for (Map.Entry<String, MethodScores> e : scores.entrySet()) {
            MethodScores s = e.getValue();
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("task", set.task());
            record.put("length", set.length());
            record.put("method", e.getKey());
            record.put("documents", set.documents().size());
            record.put("questions", s.questions());
            record.put("top1", s.top1());
            record.put("top1_count", s.top1Count());
            record.put("mrr_at_10", s.mrrAt10());
            if (s.hasAnswers()) {
                record.put("answer_accuracy", s.answerAccuracy());
                record.put("right_answers", s.rightAnswers());
            }
            record.put("ingest_seconds", ingestSeconds);
            records.add(record);
        }
        progress(name + ": " + records.stream().map(r -> r.get("method") + " top1 " + String.format(java.util.Locale.ROOT, "%.2f", (Double) r.get("top1")))
            .collect(Collectors.joining(", ")));
        return records;
    }

    private static double bestSection(QuestionVectors question, List<StoredSection> sections) {
        double best = -1;
        for (StoredSection section : sections) {
            best = Math.max(best, LocalModels.cosine(question.mean(), section.vector()));
        }
        return best;
    }

    /** A document's best vector's cosine with the question (-1 for a document with none). */
    private static double best(float[] question, List<float[]> vectors) {
        return vectors.stream().mapToDouble(v -> LocalModels.cosine(question, v)).max().orElse(-1);
    }

    /** The top 10 ids by score, best first (ties by id, so runs are reproducible). */
    static List<String> rank(java.util.Collection<String> ids, java.util.function.ToDoubleFunction<String> score) {
        return rank(ids, score, 10);
    }

    /** The top {@code limit} ids by score, best first (ties by id). */
    static List<String> rank(java.util.Collection<String> ids, java.util.function.ToDoubleFunction<String> score, int limit) {
        Map<String, Double> scores = new HashMap<>();
        for (String id : ids) {
            scores.put(id, score.applyAsDouble(id));
        }
        return ids.stream().sorted(Comparator.comparingDouble((String id) -> -scores.get(id)).thenComparing(id -> id)).limit(limit).toList();
    }

    /** The command as given, without {@code --resume}: the same command continues the run. */
    private static String commandOf(String[] args) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if ("--resume".equals(args[i])) {
                i++;
                continue;
            }
            kept.add(args[i]);
        }
        return String.join(" ", kept);
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--") == false || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got [" + args[i] + "]");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    private static String require(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return value;
    }

    static void progress(String message) {
        System.out.println("[quality " + LocalTime.now().withNano(0) + "] " + message);
    }
}
