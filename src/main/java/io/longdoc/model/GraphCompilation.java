package io.longdoc.model;

import io.longdoc.graph.AttentionPattern;
import io.longdoc.graph.EncoderGraphBuilder;
import io.longdoc.graph.EncoderWeights;
import io.longdoc.graph.GemmPrecision;
import io.longdoc.graph.GraphOptions;
import io.longdoc.graph.Precision;
import io.longdoc.graph.importer.HuggingFaceCheckpointImporter;
import io.longdoc.graph.importer.ImportedModel;
import io.longdoc.graph.importer.Longify;
import io.longdoc.graph.importer.OnnxExportImporter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns a spec's {@code compile} section into an ONNX graph: import the weights, longify, build the pattern, in the
 * section's precision.
 */
final class GraphCompilation {

    static final String HF_CONFIG = "config.json";
    static final String HF_WEIGHTS = "model.safetensors";

    private GraphCompilation() {}

    /** The files whose content decides the compiled graph (hashed into the cache key). */
    static List<Path> weightFiles(ModelSpec spec, Path folder) {
        return switch (spec.compile().weights()) {
            case ONNX_EXPORT -> List.of(folder.resolve(spec.modelFile()));
            case HUGGINGFACE -> List.of(folder.resolve(HF_CONFIG), folder.resolve(HF_WEIGHTS));
        };
    }

    /**
     * @param fused     emit the onnx-ops {@code longdoc.SparseAttention} node instead of standard-op attention
     * @param precision the session's precision ({@link SessionPrecision}), which may differ from the spec's
     * @param gemms     what the spec's {@code compile.quantize} comes to on this node ({@link QuantizeSetting})
     */
    static byte[] compile(ModelSpec spec, Path folder, boolean fused, Precision precision, GemmPrecision gemms) throws IOException {
        CompileSpec compile = spec.compile();
        ImportedModel imported = switch (compile.weights()) {
            case ONNX_EXPORT -> OnnxExportImporter.importFile(folder.resolve(spec.modelFile()));
            case HUGGINGFACE -> HuggingFaceCheckpointImporter.importFolder(folder);
        };
        EncoderWeights weights = imported.weights();
        if (weights.config().hiddenSize() != spec.dims()) {
            throw new IllegalArgumentException("the spec says [dims] is " + spec.dims() + " but the weights have width " + weights.config().hiddenSize());
        }
        AttentionPattern pattern = compile.pattern(weights.config().numLayers(), weights.config().architecture());
        if (pattern == null) {
            pattern = imported.pattern();
        }
        if (compile.longify()) {
            weights = Longify.longify(weights, spec.maxTokens(), pattern, compile.positions()).weights();
        }
        if (weights.config().maxTokens() < spec.maxTokens()) {
            throw new IllegalArgumentException(
                "the spec says [max_tokens] is " + spec.maxTokens() + " but the weights have positions for " + weights.config().maxTokens()
                    + " tokens; set [compile.longify] to extend them"
            );
        }
        return EncoderGraphBuilder.build(weights, pattern, new GraphOptions(fused, precision, gemms));
    }
}
