package io.longdoc.graph.importer;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import com.google.protobuf.ByteString;

import io.longdoc.graph.Activation;
import io.longdoc.graph.EncoderConfig;
import io.longdoc.graph.EncoderWeights;
import io.longdoc.graph.FloatTensor;
import io.longdoc.graph.LayerWeights;
import io.longdoc.graph.Linear;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.longdoc.graph.importer.SafetensorsReaderTests.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Export layouts other than the two real files': other exporters, opsets, precisions and quantisations. */
class OnnxExportLayoutTests {

    @TempDir
    Path dir;

    @Test
    void scopedFloat32WithDecomposedLayerNorm() throws IOException {
        check(new SyntheticOnnxExport(true, false, SyntheticOnnxExport.Weights.FLOAT, ""), false, false);
    }

    @Test
    void float16WithTheLayerNormalizationOp() throws IOException {
        check(new SyntheticOnnxExport(true, true, SyntheticOnnxExport.Weights.FLOAT16, ""), false, false);
    }

    @Test
    void int8QdqWeightsAreDequantisedPerChannel() throws IOException {
        check(new SyntheticOnnxExport(true, false, SyntheticOnnxExport.Weights.QDQ, ""), false, false);
    }

    @Test
    void dynamicallyQuantisedMatMulIntegerIsDequantised() throws IOException {
        check(new SyntheticOnnxExport(true, true, SyntheticOnnxExport.Weights.DYNAMIC, ""), false, false);
    }

    @Test
    void unscopedNodesAreNamedByTheirParameters() throws IOException {
        check(new SyntheticOnnxExport(false, false, SyntheticOnnxExport.Weights.FLOAT, ""), false, false);
    }

    @Test
    void modelPrefixAndQaHead() throws IOException {
        EncoderWeights weights = check(new SyntheticOnnxExport(true, false, SyntheticOnnxExport.Weights.FLOAT, "bert."), false, true);
        assertNotNull(weights.qaOutputs());
    }

    @Test
    void robertaPositionsAreRecognised() throws IOException {
        EncoderWeights weights = check(new SyntheticOnnxExport(true, false, SyntheticOnnxExport.Weights.FLOAT, "roberta."), true, false);
        assertEquals("roberta", weights.config().architecture());
        assertEquals(1, weights.config().padTokenId());
        assertEquals(2, weights.config().positionOffset());
    }

    @Test
    void rejectsGraphsWithFusedOps() {
        SyntheticOnnxExport export = new SyntheticOnnxExport(true, false, SyntheticOnnxExport.Weights.FLOAT, "");
        export.addFusedAttention();
        ModelProto model = export.build(false, false);
        assertContains(assertThrows(IllegalArgumentException.class, () -> OnnxExportImporter.map(model, null, "opt.onnx")), "[opt.onnx]", "[Attention]");
    }

    /** The feed-forward activation is read off the graph: erf GELU and Gelu are recognised, anything else refused. */
    @Test
    void readsTheFeedForwardActivationAndRefusesOnesItCannotIdentify() throws IOException {
        ModelProto model = new SyntheticOnnxExport(true, false, SyntheticOnnxExport.Weights.FLOAT, "").build(false, false);
        assertEquals(Activation.GELU, OnnxExportImporter.map(model, null, "m.onnx").weights().config().activation());

        ModelProto tanhGelu = replaceErf(model, NodeProto.newBuilder().setOpType("Gelu").addAttribute(
            AttributeProto.newBuilder().setName("approximate").setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8("tanh"))));
        assertEquals(Activation.GELU_PYTORCH_TANH, OnnxExportImporter.map(tanhGelu, null, "m.onnx").weights().config().activation());

        ModelProto relu = replaceErf(model, NodeProto.newBuilder().setOpType("Relu"));
        assertContains(assertThrows(IllegalArgumentException.class, () -> OnnxExportImporter.map(relu, null, "m.onnx")), "[m.onnx]", "encoder.layer.0", "Relu");

        // an Erf of x/2 is not GELU's x/√2
        GraphProto.Builder graph = model.getGraph().toBuilder();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            if (node.getOpType().equals("Constant") && node.getAttribute(0).getT().getFloatDataCount() == 1 && node.getAttribute(0).getT().getFloatData(0) == 1.4142135f) {
                TensorProto two = node.getAttribute(0).getT().toBuilder().setFloatData(0, 2f).build();
                graph.setNode(i, node.toBuilder().setAttribute(0, node.getAttribute(0).toBuilder().setT(two)));
            }
        }
        ModelProto halfErf = model.toBuilder().setGraph(graph).build();
        assertContains(assertThrows(IllegalArgumentException.class, () -> OnnxExportImporter.map(halfErf, null, "m.onnx")), "encoder.layer.0", "Erf");
    }

    /** The model with each Erf node's op type and attributes taken from {@code replacement}. */
    private static ModelProto replaceErf(ModelProto model, NodeProto.Builder replacement) {
        GraphProto.Builder graph = model.getGraph().toBuilder();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            if (node.getOpType().equals("Erf")) {
                graph.setNode(i, node.toBuilder().setOpType(replacement.getOpType()).addAllAttribute(replacement.getAttributeList()));
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }

    @Test
    void readsExternalDataInsideTheModelFolderOnly() throws IOException {
        SyntheticOnnxExport export = new SyntheticOnnxExport(true, false, SyntheticOnnxExport.Weights.FLOAT, "");
        ModelProto model = export.build(false, false);
        float[] words = export.expected.get("embeddings.word_embeddings.weight");
        byte[] bytes = SafetensorsWriter.encode("F32", words);
        byte[] file = new byte[bytes.length + 16];
        System.arraycopy(bytes, 0, file, 16, bytes.length);
        Files.write(dir.resolve("model.onnx.data"), file);
        ModelProto external = withExternal(model, "embeddings.word_embeddings.weight", "model.onnx.data", 16, bytes.length);
        EncoderWeights weights = OnnxExportImporter.map(external, dir, "model.onnx").weights();
        assertArrayEquals(words, weights.wordEmbeddings().data());

        ModelProto escaping = withExternal(model, "embeddings.word_embeddings.weight", "../model.onnx.data", 16, bytes.length);
        assertContains(assertThrows(IllegalArgumentException.class, () -> OnnxExportImporter.map(escaping, dir, "model.onnx")), "outside the model folder");

        ModelProto tooLong = withExternal(model, "embeddings.word_embeddings.weight", "model.onnx.data", 16, bytes.length + 4);
        assertContains(assertThrows(IOException.class, () -> OnnxExportImporter.map(tooLong, dir, "model.onnx")), "embeddings.word_embeddings.weight");
    }

    @Test
    void rejectsModelsWithoutLayersOrHeads() {
        ModelProto empty = ModelProto.newBuilder().setGraph(GraphProto.newBuilder()).build();
        assertContains(assertThrows(IllegalArgumentException.class, () -> OnnxExportImporter.map(empty, null, "empty.onnx")), "[empty.onnx]", "no encoder layers");
    }

    private static ModelProto withExternal(ModelProto model, String initializer, String location, long offset, long length) {
        GraphProto.Builder graph = model.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            if (graph.getInitializer(i).getName().equals(initializer)) {
                TensorProto.Builder t = graph.getInitializer(i).toBuilder().clearRawData().clearFloatData()
                    .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)))
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Long.toString(length)));
                graph.setInitializer(i, t);
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }

    private static EncoderWeights check(SyntheticOnnxExport export, boolean roberta, boolean qaHead) throws IOException {
        ModelProto model = export.build(roberta, qaHead);
        EncoderWeights weights = OnnxExportImporter.map(model, null, "synthetic.onnx").weights();
        EncoderConfig config = weights.config();
        assertEquals(export.hidden, config.hiddenSize());
        assertEquals(export.heads, config.numHeads());
        assertEquals(export.intermediate, config.intermediateSize());
        assertEquals(export.layers, config.numLayers());
        assertEquals(export.positions, config.maxPositions());
        assertEquals(export.epsilon, config.layerNormEps());
        Map<String, FloatTensor> actual = flatten(weights);
        if (qaHead == false) {
            assertNull(weights.qaOutputs());
        }
        assertEquals(export.expected.keySet(), actual.keySet());
        for (Map.Entry<String, float[]> e : export.expected.entrySet()) {
            assertArrayEquals(e.getValue(), actual.get(e.getKey()).data(), e.getKey());
        }
        return weights;
    }

    /** Every tensor under its PyTorch name, linear weights as [in, out]. */
    static Map<String, FloatTensor> flatten(EncoderWeights w) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        out.put("embeddings.word_embeddings.weight", w.wordEmbeddings());
        out.put("embeddings.position_embeddings.weight", w.positionEmbeddings());
        if (w.tokenTypeEmbeddings() != null) {
            out.put("embeddings.token_type_embeddings.weight", w.tokenTypeEmbeddings());
        }
        out.put("embeddings.LayerNorm.weight", w.embeddingNorm().gamma());
        out.put("embeddings.LayerNorm.bias", w.embeddingNorm().beta());
        for (int l = 0; l < w.layers().size(); l++) {
            String p = "encoder.layer." + l + ".";
            LayerWeights layer = w.layers().get(l);
            linear(out, p + "attention.self.query", layer.query());
            linear(out, p + "attention.self.key", layer.key());
            linear(out, p + "attention.self.value", layer.value());
            linear(out, p + "attention.output.dense", layer.attentionOutput());
            out.put(p + "attention.output.LayerNorm.weight", layer.attentionNorm().gamma());
            out.put(p + "attention.output.LayerNorm.bias", layer.attentionNorm().beta());
            linear(out, p + "intermediate.dense", layer.intermediate());
            linear(out, p + "output.dense", layer.output());
            out.put(p + "output.LayerNorm.weight", layer.outputNorm().gamma());
            out.put(p + "output.LayerNorm.bias", layer.outputNorm().beta());
        }
        if (w.qaOutputs() != null) {
            linear(out, "qa_outputs", w.qaOutputs());
        }
        return out;
    }

    private static void linear(Map<String, FloatTensor> out, String module, Linear linear) {
        out.put(module + ".weight", linear.weight());
        out.put(module + ".bias", linear.bias());
    }
}
