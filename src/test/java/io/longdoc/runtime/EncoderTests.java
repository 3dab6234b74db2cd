package io.longdoc.runtime;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import io.longdoc.graph.EncoderGraphBuilder;
import io.longdoc.graph.GraphOptions;
import io.longdoc.graph.importer.HuggingFaceCheckpointImporter;
import io.longdoc.graph.importer.ImportedModel;
import io.longdoc.search.reader.SyntheticQaModel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which outputs the encoder reads: the hidden state by name, the span logits only as a pair. */
class EncoderTests {

    private static final long[] IDS = { 101, 29145, 2001, 10777, 102 }; // [CLS] zebra was elephant [SEP]
    private static final long[] GLOBAL = { 1, 0, 0, 0, 0 };

    @TempDir
    static Path dir;
    static OrtRuntime runtime;
    static ModelProto qaGraph;

    @BeforeAll
    static void compile() throws Exception {
        Path folder = SyntheticQaModel.write(dir, "qa");
        ImportedModel model = HuggingFaceCheckpointImporter.importFolder(folder);
        qaGraph = ModelProto.parseFrom(EncoderGraphBuilder.build(model.weights(), model.pattern(), new GraphOptions(false)));
        runtime = new OrtRuntime(1, ExecutionProvider.CPU);
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    @Test
    void runsTheQaHeadAndStillEncodes() throws Exception {
        try (Encoder encoder = open(qaGraph, "all")) {
            assertTrue(encoder.hasQaHead());
            SpanLogits logits = encoder.spanLogits(IDS, GLOBAL);
            assertEquals(IDS.length, logits.tokens());
            assertEquals(SyntheticQaModel.STRONG_START.start(), logits.start()[1], 1e-3, "zebra starts");
            assertEquals(SyntheticQaModel.STRONG_END.end(), logits.end()[3], 1e-3, "elephant ends");
            assertEquals(0, logits.start()[2], 1e-6, "an unmarked word has no logit");
            HiddenStates hidden = encoder.encode(IDS, GLOBAL);
            assertEquals(IDS.length, hidden.tokens());
            assertEquals(SyntheticQaModel.HIDDEN, hidden.dims());
        }
    }

    @Test
    void findsTheHiddenStateByNameWhenTheLogitsComeFirst() throws Exception {
        List<String> order = List.of("start_logits", "end_logits", "last_hidden_state");
        try (Encoder encoder = open(withOutputs(qaGraph, order), "reordered")) {
            assertEquals(SyntheticQaModel.HIDDEN, encoder.encode(IDS, GLOBAL).dims());
        }
    }

    @Test
    void halfAHeadIsABrokenModel() throws Exception {
        ModelProto startOnly = withOutputs(qaGraph, List.of("last_hidden_state", "start_logits"));
        var e = assertThrows(IllegalArgumentException.class, () -> open(startOnly, "start-only"));
        assertEquals("the model has the output [start_logits] but not [end_logits]; a QA head needs both", e.getMessage());
    }

    @Test
    void aModelWithoutTheLogitsHasNoHead() throws Exception {
        try (Encoder encoder = open(withOutputs(qaGraph, List.of("last_hidden_state")), "headless")) {
            assertFalse(encoder.hasQaHead());
            var e = assertThrows(IllegalStateException.class, () -> encoder.spanLogits(IDS, GLOBAL));
            assertEquals("the model has no outputs [start_logits] and [end_logits]", e.getMessage());
        }
    }

    private static Encoder open(ModelProto graph, String name) throws Exception {
        Path file = dir.resolve(name + ".onnx");
        Files.write(file, graph.toByteArray());
        return new Encoder(runtime.environment(), runtime.openSession(file), SyntheticQaModel.HIDDEN);
    }

    /** The same graph declaring only {@code names} as outputs, in that order. */
    private static ModelProto withOutputs(ModelProto model, List<String> names) {
        GraphProto.Builder graph = model.getGraph().toBuilder().clearOutput();
        List<ValueInfoProto> outputs = new ArrayList<>();
        for (String name : names) {
            outputs.add(model.getGraph().getOutputList().stream().filter(o -> o.getName().equals(name)).findFirst().orElseThrow());
        }
        return model.toBuilder().setGraph(graph.addAllOutput(outputs)).build();
    }
}
