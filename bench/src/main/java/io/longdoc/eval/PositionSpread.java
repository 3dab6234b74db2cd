package io.longdoc.eval;

import io.longdoc.corpus.Corpus;
import io.longdoc.graph.GemmPrecision;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How far apart the long model's vectors of different documents lie under each {@code compile.positions} rule: the
 * mean cosine between the [CLS] vectors of the first {@code --documents} pages of a corpus, at {@code --tokens} and
 * at 200 tokens. A rule that collapses every input towards one vector shows as a higher mean (less spread), the
 * mechanism behind a retrieval collapse. In process, through the plugin's own loader (as the harness's LocalModels).
 * <pre>
 * bash bench/java.sh io.longdoc.eval.PositionSpread [--corpus bench/data/pydocs.jsonl.gz] [--documents 6] [--tokens 2000]
 * </pre>
 */
public final class PositionSpread {

    private PositionSpread() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = QualityHarness.options(args);
        int documents = Integer.parseInt(o.getOrDefault("documents", "6"));
        int tokens = Integer.parseInt(o.getOrDefault("tokens", "2000"));
        List<String> texts;
        try (var all = Corpus.stream(Path.of(o.getOrDefault("corpus", "bench/data/pydocs.jsonl.gz")))) {
            texts = all.limit(documents).map(Corpus.Document::text).toList();
        }
        String model = "bge-small-en-v1.5";
        System.out.printf("| positions | mean cosine between %d documents, %d tokens | the same, 200 tokens |%n| --- | ---: | ---: |%n", texts.size(), tokens);
        for (String rule : List.of("copy", "interpolate", "group")) {
            try (LocalModels local = new LocalModels(model, Path.of("src/main/models"), Path.of("target/model-sources/" + model),
                     Path.of("onnx-ops/target/liblongdoc_ops.so"), Path.of(o.getOrDefault("work", "target/position-spread")), GemmPrecision.FP32,
                     rule.equals("copy") ? Map.of() : Map.of("positions", rule))) {
                System.out.printf("| %s | %.3f | %.3f |%n", rule, meanCosine(local, texts, tokens), meanCosine(local, texts, 200));
            }
        }
    }

    private static double meanCosine(LocalModels local, List<String> texts, int tokens) throws Exception {
        float[][] vectors = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            vectors[i] = local.longModel().encode(local.tokenize(texts.get(i)).truncate(tokens)).embedding();
        }
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < vectors.length; i++) {
            for (int j = i + 1; j < vectors.length; j++) {
                sum += LocalModels.cosine(vectors[i], vectors[j]);
                pairs++;
            }
        }
        return sum / pairs;
    }
}
