package io.longdoc.graph.importer;

import ai.onnx.proto.OnnxMl.ModelProto;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;

import io.longdoc.graph.Activation;
import io.longdoc.graph.AttentionPattern;
import io.longdoc.graph.EncoderConfig;
import io.longdoc.graph.EncoderWeights;
import io.longdoc.graph.FloatTensor;
import io.longdoc.graph.LayerNormWeights;
import io.longdoc.graph.Linear;
import io.longdoc.graph.importer.OnnxGraph.Value;
import io.longdoc.graph.importer.OnnxModules.EmbeddingModule;
import io.longdoc.graph.importer.OnnxModules.LinearModule;
import io.longdoc.graph.importer.OnnxModules.Module;
import io.longdoc.graph.importer.OnnxModules.NormModule;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the weights of a BERT-family encoder exported to ONNX by PyTorch (as Hugging Face / sentence-transformers
 * exports are): float32 or float16 initializers, int8 QDQ (DequantizeLinear) weights and ONNX Runtime's dynamic
 * quantisation (MatMulInteger), which are dequantised. The config — layers, width, heads, feed-forward size,
 * LayerNorm epsilon, RoBERTa-style positions, the feed-forward activation — is read off the graph itself.
 */
public final class OnnxExportImporter {

    private OnnxExportImporter() {}

    /** The export's weights with the dense attention it was trained with. */
    public static ImportedModel importFile(Path onnxFile) throws IOException {
        return new ImportedModel(read(onnxFile), new AttentionPattern.Dense());
    }

    public static EncoderWeights read(Path onnxFile) throws IOException {
        return load(onnxFile).weights();
    }

    /**
     * @param origins canonical tensor name ({@code encoder.layer.0.attention.self.query.weight}) → the graph
     *                initializer it was read from
     */
    record Result(EncoderWeights weights, Map<String, String> origins) {}

    static Result load(Path onnxFile) throws IOException {
        ModelProto model = parse(onnxFile);
        Path folder = onnxFile.toAbsolutePath().getParent();
        return map(model, folder, onnxFile.getFileName().toString());
    }

    static ModelProto parse(Path onnxFile) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(onnxFile), 1 << 16)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            ModelProto model = ModelProto.parseFrom(coded);
            if (model.hasGraph() == false || model.getGraph().getNodeCount() == 0) {
                throw new IOException("[" + onnxFile.getFileName() + "] holds no ONNX graph");
            }
            return model;
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("[" + onnxFile.getFileName() + "] is not a readable ONNX model: " + e.getMessage(), e);
        }
    }

    static Result map(ModelProto model, Path folder, String source) throws IOException {
        OnnxGraph graph = new OnnxGraph(model.getGraph(), folder);
        try {
            Map<String, Module> modules = OnnxModules.collect(graph, source);
            OnnxParameters parameters = new OnnxParameters(modules, source);
            BertLayout.rejectUnknownModules(modules.keySet(), source);
            EncoderConfig config = inferConfig(graph, modules, source);
            EncoderWeights weights = BertLayout.assemble(config, parameters);
            return new Result(weights, parameters.origins);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static EncoderConfig inferConfig(OnnxGraph graph, Map<String, Module> modules, String source) {
        int layers = BertLayout.countLayers(modules.keySet(), source);
        int hidden = table(modules, "embeddings.word_embeddings", source).shape()[1];
        int maxPositions = table(modules, "embeddings.position_embeddings", source).shape()[0];
        int ff;
        if (modules.get("encoder.layer.0.intermediate.dense") instanceof LinearModule intermediate) {
            ff = intermediate.weight().shape()[1];
        } else {
            throw new IllegalArgumentException("[" + source + "] has no linear layer [encoder.layer.0.intermediate.dense]");
        }
        int heads = OnnxHeads.infer(graph, hidden, source);
        float epsilon = epsilon(modules, source);
        Activation activation = OnnxActivation.detect(graph, modules, layers, source);
        int pad = RobertaPositions.paddingIndex(graph);
        if (pad >= 0) {
            return new EncoderConfig("roberta", hidden, heads, ff, layers, maxPositions, pad + 1, pad, epsilon, activation);
        }
        return new EncoderConfig("bert", hidden, heads, ff, layers, maxPositions, 0, 0, epsilon, activation);
    }

    private static Value table(Map<String, Module> modules, String path, String source) {
        if (modules.get(path) instanceof EmbeddingModule embedding) {
            return embedding.table();
        }
        throw new IllegalArgumentException("[" + source + "] has no embedding table [" + path + "] (a Gather from a constant in /embeddings/...)");
    }

    /** One epsilon for all LayerNorms (EncoderConfig has one); exports of one model never mix them. */
    private static float epsilon(Map<String, Module> modules, String source) {
        Float epsilon = null;
        for (Map.Entry<String, Module> entry : modules.entrySet()) {
            if (entry.getValue() instanceof NormModule norm) {
                if (epsilon == null) {
                    epsilon = norm.epsilon();
                } else if (epsilon != norm.epsilon()) {
                    throw new IllegalArgumentException(
                        "[" + source + "]: LayerNorm [" + entry.getKey() + "] has epsilon " + norm.epsilon() + ", the others " + epsilon
                    );
                }
            }
        }
        if (epsilon == null) {
            throw new IllegalArgumentException("[" + source + "] has no LayerNorm (neither LayerNormalization nor the Sqrt/Div pattern)");
        }
        return epsilon;
    }

    /** The collected modules as a {@link ParameterSource}, remembering which initializer each tensor came from. */
    private static final class OnnxParameters implements ParameterSource {
        private final Map<String, Module> modules;
        private final String source;
        private final Map<String, String> origins = new TreeMap<>();

        OnnxParameters(Map<String, Module> modules, String source) {
            this.modules = modules;
            this.source = source;
        }

        @Override
        public Linear linear(String path) {
            Module module = modules.get(path);
            if (module == null) {
                return null;
            }
            if (module instanceof LinearModule linear) {
                if (linear.bias() == null) {
                    throw new IllegalArgumentException(
                        "[" + path + "] in [" + source + "]: node [" + linear.node() + "] has a weight but no bias Add after it"
                    );
                }
                return new Linear(tensor(path + ".weight", linear.weight()), tensor(path + ".bias", linear.bias()));
            }
            throw new IllegalArgumentException("[" + path + "] in [" + source + "] is not a linear layer (found at node [" + module.node() + "])");
        }

        @Override
        public LayerNormWeights norm(String path) {
            Module module = modules.get(path);
            if (module == null) {
                return null;
            }
            if (module instanceof NormModule norm) {
                return new LayerNormWeights(tensor(path + ".weight", norm.gamma()), tensor(path + ".bias", norm.beta()));
            }
            throw new IllegalArgumentException("[" + path + "] in [" + source + "] is not a LayerNorm (found at node [" + module.node() + "])");
        }

        @Override
        public FloatTensor table(String path) {
            Module module = modules.get(path);
            if (module == null) {
                return null;
            }
            if (module instanceof EmbeddingModule embedding) {
                return tensor(path + ".weight", embedding.table());
            }
            throw new IllegalArgumentException("[" + path + "] in [" + source + "] is not an embedding table (found at node [" + module.node() + "])");
        }

        @Override
        public Set<String> paths() {
            return modules.keySet();
        }

        @Override
        public String describe() {
            return source;
        }

        private FloatTensor tensor(String name, Value value) {
            origins.put(name, value.origin());
            return FloatTensor.of(value.floats(), value.shape());
        }
    }
}
