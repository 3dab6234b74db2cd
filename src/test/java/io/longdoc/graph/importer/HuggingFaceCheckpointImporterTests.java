package io.longdoc.graph.importer;

import io.longdoc.graph.Activation;
import io.longdoc.graph.AttentionPattern;
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
import java.util.List;

import static io.longdoc.graph.importer.SafetensorsReaderTests.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HuggingFaceCheckpointImporterTests {

    @TempDir
    Path dir;

    @Test
    void importsBert() throws IOException {
        SyntheticCheckpoint hf = SyntheticCheckpoint.bert(1);
        ImportedModel model = HuggingFaceCheckpointImporter.importFolder(hf.write(dir.resolve("bert")));
        EncoderConfig config = model.weights().config();
        assertEquals(new EncoderConfig("bert", 8, 2, 12, 2, 16, 0, 0, 1e-5f, Activation.GELU), config);
        assertInstanceOf(AttentionPattern.Dense.class, model.pattern());
        assertAllTensors(hf, model.weights());
        assertNull(model.weights().qaOutputs());
        assertFalse(model.weights().layers().get(0).hasGlobalProjections());
    }

    @Test
    void importsRobertaWithItsPositionOffset() throws IOException {
        SyntheticCheckpoint hf = SyntheticCheckpoint.roberta(2);
        ImportedModel model = HuggingFaceCheckpointImporter.importFolder(hf.write(dir.resolve("roberta")));
        EncoderConfig config = model.weights().config();
        assertEquals("roberta", config.architecture());
        assertEquals(18, config.maxPositions());
        assertEquals(2, config.positionOffset());
        assertEquals(1, config.padTokenId());
        assertEquals(16, config.maxTokens());
        assertAllTensors(hf, model.weights());
    }

    @Test
    void importsLongformerWithGlobalProjectionsAndPerLayerWindows() throws IOException {
        SyntheticCheckpoint hf = SyntheticCheckpoint.longformer(3).with("attention_window", List.of(4, 6));
        ImportedModel model = HuggingFaceCheckpointImporter.importFolder(hf.write(dir.resolve("longformer")));
        EncoderConfig config = model.weights().config();
        assertEquals("longformer", config.architecture());
        assertEquals(2, config.positionOffset());
        AttentionPattern.SlidingWindow window = assertInstanceOf(AttentionPattern.SlidingWindow.class, model.pattern());
        assertArrayEquals(new int[] { 2, 3 }, window.windows(), "one-sided: half of Hugging Face's attention_window");
        assertNull(window.dilations());
        assertAllTensors(hf, model.weights());
        for (int l = 0; l < 2; l++) {
            LayerWeights layer = model.weights().layers().get(l);
            assertTrue(layer.hasGlobalProjections());
            String p = "longformer.encoder.layer." + l + ".attention.self.";
            assertLinear(hf, p + "query_global", layer.queryGlobal());
            assertLinear(hf, p + "key_global", layer.keyGlobal());
            assertLinear(hf, p + "value_global", layer.valueGlobal());
        }
    }

    @Test
    void longformerWindowMayBeOneNumberAndDilationsComeFromOriginalConfigs() throws IOException {
        SyntheticCheckpoint hf = SyntheticCheckpoint.longformer(4).with("attention_window", 8).with("attention_dilation", List.of(1, 2));
        ImportedModel model = HuggingFaceCheckpointImporter.importFolder(hf.write(dir.resolve("lf")));
        AttentionPattern.SlidingWindow window = assertInstanceOf(AttentionPattern.SlidingWindow.class, model.pattern());
        assertArrayEquals(new int[] { 4, 4 }, window.windows());
        assertEquals(1, window.dilation(0, 1));
        assertEquals(2, window.dilation(1, 0));
        assertEquals(2, window.dilation(1, 1));
    }

    @Test
    void rejectsOddLongformerWindows() throws IOException {
        SyntheticCheckpoint hf = SyntheticCheckpoint.longformer(4).with("attention_window", List.of(4, 5));
        Path folder = hf.write(dir.resolve("lf"));
        assertContains(assertThrows(IllegalArgumentException.class, () -> HuggingFaceCheckpointImporter.importFolder(folder)), "attention_window", "even");
    }

    @Test
    void rejectsZeroLongformerWindowsAndWindowListsOfTheWrongLength() throws IOException {
        Path zero = SyntheticCheckpoint.longformer(4).with("attention_window", List.of(4, 0)).write(dir.resolve("zero"));
        assertContains(assertThrows(IllegalArgumentException.class, () -> HuggingFaceCheckpointImporter.importFolder(zero)), "attention_window", "[0]");
        Path three = SyntheticCheckpoint.longformer(4).with("attention_window", List.of(4, 4, 4)).write(dir.resolve("three"));
        assertContains(assertThrows(IllegalArgumentException.class, () -> HuggingFaceCheckpointImporter.importFolder(three)), "attention_window", "3 entries");
    }

    @Test
    void rejectsBigBirdBlocksItCannotBuild() throws IOException {
        Path block = SyntheticCheckpoint.bigBird(5).with("block_size", 0).write(dir.resolve("block"));
        assertContains(assertThrows(IllegalArgumentException.class, () -> HuggingFaceCheckpointImporter.importFolder(block)), "block_size [0]");
        Path random = SyntheticCheckpoint.bigBird(5).with("num_random_blocks", -1).write(dir.resolve("random"));
        assertContains(assertThrows(IllegalArgumentException.class, () -> HuggingFaceCheckpointImporter.importFolder(random)), "num_random_blocks [-1]");
    }

    /** hidden_act is honoured by name; the defaults are transformers' (gelu_new for big_bird, gelu for the BERT family). */
    @Test
    void readsHiddenAct() throws IOException {
        for (String act : List.of("gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "quick_gelu", "relu", "silu", "swish", "gelu_python", "gelu_10", "mish")) {
            Path folder = SyntheticCheckpoint.roberta(2).with("hidden_act", act).write(dir.resolve("act-" + act));
            assertEquals(act, HuggingFaceCheckpointImporter.importFolder(folder).weights().config().activation().hfName());
        }
        SyntheticCheckpoint bert = SyntheticCheckpoint.bert(2);
        bert.config.remove("hidden_act");
        assertEquals(Activation.GELU, HuggingFaceCheckpointImporter.importFolder(bert.write(dir.resolve("bert-default"))).weights().config().activation());
        for (String unknown : List.of("xielu", "prelu", "GELU", "gelu_new ")) {
            Path folder = SyntheticCheckpoint.bigBird(2).with("hidden_act", unknown).write(dir.resolve("unknown-" + unknown.trim() + unknown.length()));
            assertContains(assertThrows(IllegalArgumentException.class, () -> HuggingFaceCheckpointImporter.importFolder(folder)), "hidden_act [" + unknown + "]");
        }
    }

    @Test
    void importsBigBirdBlockSparseWithQaHead() throws IOException {
        SyntheticCheckpoint hf = SyntheticCheckpoint.bigBird(5)
            .with("attention_type", "block_sparse")
            .with("block_size", 4)
            .with("num_random_blocks", 2)
            .withQaHead();
        ImportedModel model = HuggingFaceCheckpointImporter.importFolder(hf.write(dir.resolve("bigbird")));
        EncoderConfig config = model.weights().config();
        assertEquals("big_bird", config.architecture());
        assertEquals(0, config.positionOffset());
        assertEquals(64, config.maxPositions());
        assertEquals(new AttentionPattern.BlockSparse(4, 2, 0L, AttentionPattern.RandomBlocks.HF_EVAL), model.pattern());
        assertAllTensors(hf, model.weights());
        Linear qa = model.weights().qaOutputs();
        assertArrayEquals(new int[] { 8, 2 }, qa.weight().shape());
        assertLinear(hf, "qa_outputs", qa);
    }

    @Test
    void importsBigBirdOriginalFullAsDenseAndWithoutQkvBiases() throws IOException {
        SyntheticCheckpoint hf = SyntheticCheckpoint.bigBird(6).with("attention_type", "original_full").with("use_bias", false);
        for (int l = 0; l < hf.layers; l++) {
            for (String m : List.of("query", "key", "value")) {
                hf.remove("bert.encoder.layer." + l + ".attention.self." + m + ".bias");
            }
        }
        ImportedModel model = HuggingFaceCheckpointImporter.importFolder(hf.write(dir.resolve("bigbird")));
        assertInstanceOf(AttentionPattern.Dense.class, model.pattern());
        assertArrayEquals(new float[8], model.weights().layers().get(1).key().bias().data());
        assertEquals(hf.at("bert.encoder.layer.1.attention.self.key.weight", 3, 5), model.weights().layers().get(1).key().weight().data()[5 * 8 + 3]);
    }

    @Test
    void readsHalfPrecisionCheckpointsAndTensorFlowNormNames() throws IOException {
        for (String dtype : List.of("F16", "BF16")) {
            SyntheticCheckpoint hf = SyntheticCheckpoint.bert(7);
            hf.dtype = dtype;
            hf.rename("bert.embeddings.LayerNorm.weight", "bert.embeddings.LayerNorm.gamma");
            hf.rename("bert.embeddings.LayerNorm.bias", "bert.embeddings.LayerNorm.beta");
            ImportedModel model = HuggingFaceCheckpointImporter.importFolder(hf.write(dir.resolve(dtype)));
            assertArrayEquals(hf.tensors.get("bert.embeddings.LayerNorm.gamma"), model.weights().embeddingNorm().gamma().data());
            assertArrayEquals(hf.tensors.get("bert.embeddings.LayerNorm.beta"), model.weights().embeddingNorm().beta().data());
            assertLinear(hf, "bert.encoder.layer.1.output.dense", model.weights().layers().get(1).output());
        }
    }

    @Test
    void readsCheckpointsWithoutPrefixAndShardedOnes() throws IOException {
        SyntheticCheckpoint hf = new SyntheticCheckpoint("bert", "", 16, 8);
        Path folder = hf.write(dir.resolve("bare"));
        assertAllTensors(hf, HuggingFaceCheckpointImporter.importFolder(folder).weights());

        // Split the same tensors over two shards with an index.
        Path sharded = Files.createDirectories(dir.resolve("sharded"));
        Files.copy(folder.resolve("config.json"), sharded.resolve("config.json"));
        SafetensorsWriter first = new SafetensorsWriter(), second = new SafetensorsWriter();
        StringBuilder index = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
        int i = 0;
        for (var entry : hf.tensors.entrySet()) {
            String shard = i++ % 2 == 0 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            (shard.startsWith("model-00001") ? first : second).add(entry.getKey(), "F32", entry.getValue(), hf.shapes.get(entry.getKey()));
            index.append(i > 1 ? "," : "").append('"').append(entry.getKey()).append("\":\"").append(shard).append('"');
        }
        first.write(sharded.resolve("model-00001-of-00002.safetensors"));
        second.write(sharded.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(sharded.resolve("model.safetensors.index.json"), index.append("}}"));
        assertAllTensors(hf, HuggingFaceCheckpointImporter.importFolder(sharded).weights());
        // the files a compiled-graph cache key hashes: the index and each shard once, in order
        assertEquals(
            java.util.List.of(
                sharded.resolve("model.safetensors.index.json"),
                sharded.resolve("model-00001-of-00002.safetensors"),
                sharded.resolve("model-00002-of-00002.safetensors")
            ),
            CheckpointTensors.files(sharded)
        );
        assertEquals(java.util.List.of(folder.resolve("model.safetensors")), CheckpointTensors.files(folder));
    }

    @Test
    void rejectsWhatItCannotRepresent() throws IOException {
        Path folder = SyntheticCheckpoint.bert(9).with("model_type", "distilbert").write(dir.resolve("a"));
        assertContains(assertThrows(IllegalArgumentException.class, () -> HuggingFaceCheckpointImporter.importFolder(folder)), "model_type [distilbert]");

        Path relative = SyntheticCheckpoint.bert(9).with("position_embedding_type", "relative_key").write(dir.resolve("b"));
        assertContains(assertThrows(IllegalArgumentException.class, () -> HuggingFaceCheckpointImporter.importFolder(relative)), "relative_key");

        SyntheticCheckpoint extra = SyntheticCheckpoint.bert(9);
        extra.tensor("bert.encoder.layer.0.attention.self.distance_embedding.weight", 31, 4);
        Path extraFolder = extra.write(dir.resolve("c"));
        assertContains(
            assertThrows(IllegalArgumentException.class, () -> HuggingFaceCheckpointImporter.importFolder(extraFolder)),
            "encoder.layer.0.attention.self.distance_embedding"
        );

        SyntheticCheckpoint missing = SyntheticCheckpoint.bert(9);
        missing.remove("bert.encoder.layer.1.intermediate.dense.bias");
        Path missingFolder = missing.write(dir.resolve("d"));
        assertContains(
            assertThrows(IllegalArgumentException.class, () -> HuggingFaceCheckpointImporter.importFolder(missingFolder)),
            "bert.encoder.layer.1.intermediate.dense.bias"
        );

        Path layers = SyntheticCheckpoint.bert(9).with("num_hidden_layers", 3).write(dir.resolve("e"));
        assertContains(assertThrows(IllegalArgumentException.class, () -> HuggingFaceCheckpointImporter.importFolder(layers)), "3 layers", "has 2");

        Path width = SyntheticCheckpoint.bert(9).with("intermediate_size", 10).write(dir.resolve("f"));
        assertContains(
            assertThrows(IllegalArgumentException.class, () -> HuggingFaceCheckpointImporter.importFolder(width)),
            "encoder.layer.0.intermediate.dense",
            "expected 8 → 10"
        );

        SyntheticCheckpoint bigBirdQa = SyntheticCheckpoint.bigBird(9);
        bigBirdQa.linear("qa_classifier.qa_outputs", 8, 2);
        Path qaFolder = bigBirdQa.write(dir.resolve("g"));
        assertContains(assertThrows(IllegalArgumentException.class, () -> HuggingFaceCheckpointImporter.importFolder(qaFolder)), "qa_classifier");

        Path empty = Files.createDirectories(dir.resolve("h"));
        Files.writeString(empty.resolve("config.json"), "{\"model_type\":\"bert\"}");
        Files.writeString(empty.resolve("pytorch_model.bin"), "pickle");
        assertContains(assertThrows(IOException.class, () -> HuggingFaceCheckpointImporter.importFolder(empty)), "pytorch_model.bin", "safetensors");

        Path noConfig = Files.createDirectories(dir.resolve("i"));
        assertContains(assertThrows(IOException.class, () -> HuggingFaceCheckpointImporter.importFolder(noConfig)), "config.json");

        Path activation = SyntheticCheckpoint.bert(9).with("hidden_act", "prelu").write(dir.resolve("j"));
        assertContains(assertThrows(IllegalArgumentException.class, () -> HuggingFaceCheckpointImporter.importFolder(activation)), "hidden_act [prelu]");
    }

    /** Every encoder tensor equals the checkpoint's, linear weights transposed. */
    static void assertAllTensors(SyntheticCheckpoint hf, EncoderWeights weights) {
        String p = hf.prefix;
        assertTensor(hf, p + "embeddings.word_embeddings.weight", weights.wordEmbeddings());
        assertTensor(hf, p + "embeddings.position_embeddings.weight", weights.positionEmbeddings());
        assertTensor(hf, p + "embeddings.token_type_embeddings.weight", weights.tokenTypeEmbeddings());
        assertArrayEquals(hf.tensors.get(p + "embeddings.LayerNorm.weight"), weights.embeddingNorm().gamma().data());
        assertArrayEquals(hf.tensors.get(p + "embeddings.LayerNorm.bias"), weights.embeddingNorm().beta().data());
        assertEquals(hf.layers, weights.layers().size());
        for (int l = 0; l < hf.layers; l++) {
            String layer = p + "encoder.layer." + l + ".";
            LayerWeights w = weights.layers().get(l);
            assertLinear(hf, layer + "attention.self.query", w.query());
            assertLinear(hf, layer + "attention.self.key", w.key());
            assertLinear(hf, layer + "attention.self.value", w.value());
            assertLinear(hf, layer + "attention.output.dense", w.attentionOutput());
            assertLinear(hf, layer + "intermediate.dense", w.intermediate());
            assertLinear(hf, layer + "output.dense", w.output());
            assertArrayEquals(hf.tensors.get(layer + "attention.output.LayerNorm.weight"), w.attentionNorm().gamma().data());
            assertArrayEquals(hf.tensors.get(layer + "output.LayerNorm.bias"), w.outputNorm().beta().data());
        }
    }

    static void assertTensor(SyntheticCheckpoint hf, String name, FloatTensor tensor) {
        assertArrayEquals(hf.shapes.get(name), tensor.shape(), name);
        assertArrayEquals(hf.tensors.get(name), tensor.data(), name);
    }

    /** weight[in][out] must equal the checkpoint's [out][in]. */
    static void assertLinear(SyntheticCheckpoint hf, String module, Linear linear) {
        int[] stored = hf.shapes.get(module + ".weight");
        assertArrayEquals(new int[] { stored[1], stored[0] }, linear.weight().shape(), module);
        for (int out = 0; out < stored[0]; out++) {
            for (int in = 0; in < stored[1]; in++) {
                assertEquals(hf.at(module + ".weight", out, in), linear.weight().data()[in * stored[0] + out], module + " [" + out + ", " + in + "]");
            }
        }
        assertArrayEquals(hf.tensors.get(module + ".bias"), linear.bias().data(), module + ".bias");
    }
}
