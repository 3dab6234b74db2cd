package io.longdoc.graph.importer;

import io.longdoc.graph.AttentionPattern;
import io.longdoc.graph.EncoderConfig;
import io.longdoc.graph.EncoderWeights;
import io.longdoc.graph.FloatTensor;
import io.longdoc.graph.LayerNormWeights;
import io.longdoc.graph.Linear;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Imports a Hugging Face checkpoint folder ({@code config.json} + {@code model.safetensors}, or sharded
 * safetensors) of model_type bert, roberta, longformer or big_bird, with an optional {@code qa_outputs} span head,
 * and returns the weights with the attention pattern the checkpoint was trained with:
 * <ul>
 * <li>bert, roberta: dense;</li>
 * <li>longformer: sliding window, one-sided w = attention_window / 2 per layer (attention_dilation per layer when
 * an original allenai config gives one), global projections imported;</li>
 * <li>big_bird: block sparse with block_size and num_random_blocks, in {@link AttentionPattern.RandomBlocks#HF_EVAL}
 * mode so that it computes what transformers computes at inference (see ARCHITECTURE.md); original_full: dense.</li>
 * </ul>
 * {@code nn.Linear} weights are stored [out, in] and are transposed to [in, out].
 */
public final class HuggingFaceCheckpointImporter {

    /** Buffers some checkpoints save beside the parameters; they are recomputed by the graph. */
    private static final Pattern BUFFERS = Pattern.compile(".*embeddings\\.(position_ids|token_type_ids)$");
    private static final Pattern QKV = Pattern.compile("^encoder\\.layer\\.\\d+\\.attention\\.self\\.(query|key|value)$");

    private HuggingFaceCheckpointImporter() {}

    public static ImportedModel importFolder(Path folder) throws IOException {
        HuggingFaceConfig hf = HuggingFaceConfig.read(folder);
        try (CheckpointTensors tensors = CheckpointTensors.open(folder)) {
            String prefix = prefix(hf, tensors);
            HfParameters parameters = new HfParameters(tensors, prefix, hf.useBias() == false);
            rejectUnknownTensors(tensors, prefix);
            EncoderConfig config = new EncoderConfig(
                hf.modelType(),
                hf.hiddenSize(),
                hf.numHeads(),
                hf.intermediateSize(),
                hf.numLayers(),
                hf.maxPositions(),
                hf.positionOffset(),
                hf.padTokenId(),
                hf.layerNormEps(),
                hf.activation()
            );
            int layersInFile = BertLayout.countLayers(parameters.paths(), tensors.describe());
            if (layersInFile != config.numLayers()) {
                throw new IllegalArgumentException(
                    "[" + HuggingFaceConfig.FILE + "] says " + config.numLayers() + " layers, [" + tensors.describe() + "] has " + layersInFile
                );
            }
            EncoderWeights weights = BertLayout.assemble(config, parameters);
            return new ImportedModel(weights, pattern(hf));
        }
    }

    static AttentionPattern pattern(HuggingFaceConfig hf) {
        return switch (hf.modelType()) {
            case "longformer" -> {
                int[] windows = Arrays.stream(hf.attentionWindow()).map(w -> w / 2).toArray();
                int[][] dilations = null;
                if (hf.attentionDilation() != null && Arrays.stream(hf.attentionDilation()).anyMatch(d -> d != 1)) {
                    dilations = new int[hf.numLayers()][hf.numHeads()];
                    for (int l = 0; l < dilations.length; l++) {
                        Arrays.fill(dilations[l], hf.attentionDilation()[l]);
                    }
                }
                yield new AttentionPattern.SlidingWindow(windows, dilations);
            }
            case "big_bird" -> hf.attentionType().equals("block_sparse")
                ? new AttentionPattern.BlockSparse(hf.blockSize(), hf.numRandomBlocks(), 0L, AttentionPattern.RandomBlocks.HF_EVAL)
                : new AttentionPattern.Dense();
            default -> new AttentionPattern.Dense();
        };
    }

    /** The model-class prefix in front of the encoder's tensors: none, {@code bert.}, {@code roberta.}, … */
    private static String prefix(HuggingFaceConfig hf, CheckpointTensors tensors) {
        String typed = switch (hf.modelType()) {
            case "roberta" -> "roberta.";
            case "longformer" -> "longformer.";
            default -> "bert."; // BertFor*, BigBirdFor*
        };
        List<String> candidates = List.of("", typed, "model.");
        for (String candidate : candidates) {
            if (tensors.contains(candidate + "embeddings.word_embeddings.weight")) {
                return candidate;
            }
        }
        throw new IllegalArgumentException(
            "[" + tensors.describe() + "] has no word embeddings: no tensor [embeddings.word_embeddings.weight] under the prefixes " + candidates
        );
    }

    /** Tensors inside the encoder that no field takes, and heads this importer cannot carry, fail the import. */
    private static void rejectUnknownTensors(CheckpointTensors tensors, String prefix) {
        if (tensors.names().stream().anyMatch(n -> n.startsWith("qa_classifier."))) {
            throw new IllegalArgumentException(
                "[" + tensors.describe() + "] has BigBird's qa_classifier head (dense + LayerNorm before the span logits); only a plain qa_outputs head is supported"
            );
        }
        Set<String> paths = new LinkedHashSet<>();
        for (String name : tensors.names()) {
            if (name.startsWith(prefix) && BUFFERS.matcher(name).matches() == false) {
                paths.add(modulePath(name.substring(prefix.length())));
            }
        }
        BertLayout.rejectUnknownModules(paths, tensors.describe());
    }

    private static String modulePath(String tensorName) {
        for (String suffix : List.of(".weight", ".bias", ".gamma", ".beta")) {
            if (tensorName.endsWith(suffix)) {
                return tensorName.substring(0, tensorName.length() - suffix.length());
            }
        }
        return tensorName;
    }

    /** Checkpoint tensors addressed by module path, linear weights transposed to [in, out]. */
    private static final class HfParameters implements ParameterSource {
        private final CheckpointTensors tensors;
        private final String prefix;
        private final boolean qkvWithoutBias;

        HfParameters(CheckpointTensors tensors, String prefix, boolean qkvWithoutBias) {
            this.tensors = tensors;
            this.prefix = prefix;
            this.qkvWithoutBias = qkvWithoutBias;
        }

        @Override
        public Linear linear(String path) throws IOException {
            String weightName = name(path, ".weight");
            if (weightName == null) {
                return null;
            }
            FloatTensor weight = tensors.read(weightName);
            if (weight.rank() != 2) {
                throw new IllegalArgumentException("[" + weightName + "] has shape " + Arrays.toString(weight.shape()) + ", expected [out, in]");
            }
            weight = weight.transpose2d();
            String biasName = name(path, ".bias");
            FloatTensor bias;
            if (biasName != null) {
                bias = tensors.read(biasName).expectShape(biasName, weight.dim(1));
            } else if (qkvWithoutBias && QKV.matcher(path).matches()) {
                bias = FloatTensor.of(new float[weight.dim(1)], weight.dim(1)); // BigBird with use_bias false
            } else {
                throw new IllegalArgumentException("[" + tensors.describe() + "] has [" + weightName + "] but no bias [" + prefix + path + ".bias]");
            }
            return new Linear(weight, bias);
        }

        @Override
        public LayerNormWeights norm(String path) throws IOException {
            String gamma = name(path, ".weight");
            if (gamma == null) {
                gamma = name(path, ".gamma"); // TF-converted checkpoints
            }
            if (gamma == null) {
                return null;
            }
            String beta = name(path, ".bias");
            if (beta == null) {
                beta = name(path, ".beta");
            }
            if (beta == null) {
                throw new IllegalArgumentException("[" + tensors.describe() + "] has LayerNorm [" + gamma + "] but no bias");
            }
            return new LayerNormWeights(tensors.read(gamma), tensors.read(beta));
        }

        @Override
        public FloatTensor table(String path) throws IOException {
            String name = name(path, ".weight");
            return name == null ? null : tensors.read(name);
        }

        @Override
        public Set<String> paths() {
            Set<String> paths = new LinkedHashSet<>();
            for (String name : tensors.names()) {
                if (name.startsWith(prefix)) {
                    paths.add(modulePath(name.substring(prefix.length())));
                }
            }
            return paths;
        }

        @Override
        public String describe() {
            return tensors.describe();
        }

        /** The full tensor name, or null when absent; heads such as qa_outputs sit outside the model prefix. */
        private String name(String path, String suffix) {
            List<String> candidates = new ArrayList<>(2);
            candidates.add(prefix + path + suffix);
            if (path.startsWith("embeddings.") == false && path.startsWith("encoder.") == false) {
                candidates.add(path + suffix);
            }
            for (String candidate : candidates) {
                if (tensors.contains(candidate)) {
                    return candidate;
                }
            }
            return null;
        }
    }
}
