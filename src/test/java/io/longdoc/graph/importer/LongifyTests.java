package io.longdoc.graph.importer;

import io.longdoc.graph.AttentionPattern;
import io.longdoc.graph.EncoderWeights;
import io.longdoc.graph.FloatTensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static io.longdoc.graph.importer.SafetensorsReaderTests.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LongifyTests {

    @TempDir
    Path dir;

    @Test
    void bertRowsRepeatTheLearnedTableInOrder() throws IOException {
        EncoderWeights source = HuggingFaceCheckpointImporter.importFolder(SyntheticCheckpoint.bert(11).write(dir.resolve("b"))).weights();
        int oldRows = source.positionEmbeddings().dim(0); // 16
        ImportedModel longer = Longify.longify(source, 40, 5); // 2.5 copies: the last one partial
        EncoderWeights weights = longer.weights();
        assertEquals(40, weights.config().maxPositions());
        assertEquals(40, weights.config().maxTokens());
        for (int row = 0; row < 40; row++) {
            assertArrayEquals(row(source.positionEmbeddings(), row % oldRows), row(weights.positionEmbeddings(), row), "row " + row);
        }
        assertEquals(AttentionPattern.SlidingWindow.uniform(2, 5).windows().length, ((AttentionPattern.SlidingWindow) longer.pattern()).windows().length);
        assertArrayEquals(new int[] { 5, 5 }, ((AttentionPattern.SlidingWindow) longer.pattern()).windows());
        // Everything else is the same weights, not copies.
        assertSame(source.wordEmbeddings(), weights.wordEmbeddings());
        assertSame(source.layers(), weights.layers());
        assertSame(source.embeddingNorm(), weights.embeddingNorm());
        assertEquals(source.config().withMaxPositions(40), weights.config());
    }

    @Test
    void robertaKeepsItsOffsetRowsAndRepeatsOnlyTheLearnedOnes() throws IOException {
        EncoderWeights source = HuggingFaceCheckpointImporter.importFolder(SyntheticCheckpoint.roberta(12).write(dir.resolve("r"))).weights();
        FloatTensor old = source.positionEmbeddings(); // 18 rows: 2 padding rows + 16 learned
        EncoderWeights weights = Longify.longify(source, 50, 4).weights();
        assertEquals(52, weights.config().maxPositions(), "50 tokens after the 2 offset rows");
        assertEquals(50, weights.config().maxTokens());
        assertArrayEquals(row(old, 0), row(weights.positionEmbeddings(), 0));
        assertArrayEquals(row(old, 1), row(weights.positionEmbeddings(), 1));
        for (int i = 0; i < 50; i++) {
            assertArrayEquals(row(old, 2 + i % 16), row(weights.positionEmbeddings(), 2 + i), "position " + i);
        }
    }

    @Test
    void longformerScriptLayoutAtRealSize() {
        // roberta-base → longformer-base-4096: 514 rows → 4098, k = 2, step 512, copies of old[2:].
        float[] data = new float[514 * 3];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        FloatTensor table = PositionExtension.COPY.extend(FloatTensor.of(data, 514, 3), 2, 4098);
        assertEquals(4098, table.dim(0));
        for (int k = 2; k < 4098; k += 512) {
            assertArrayEquals(Arrays.copyOfRange(data, 2 * 3, 514 * 3), Arrays.copyOfRange(table.data(), k * 3, (k + 512) * 3), "copy at " + k);
        }
    }

    @Test
    void theRuleAskedForFillsTheTable() throws IOException {
        EncoderWeights source = HuggingFaceCheckpointImporter.importFolder(SyntheticCheckpoint.roberta(15).write(dir.resolve("r"))).weights();
        var pattern = AttentionPattern.SlidingWindow.uniform(2, 4);
        for (PositionExtension rule : PositionExtension.values()) {
            EncoderWeights weights = Longify.longify(source, 50, pattern, rule).weights();
            assertArrayEquals(rule.extend(source.positionEmbeddings(), 2, 52).data(), weights.positionEmbeddings().data(), rule.toString());
        }
        // the three-argument form copies
        assertArrayEquals(PositionExtension.COPY.extend(source.positionEmbeddings(), 2, 52).data(),
            Longify.longify(source, 50, pattern).weights().positionEmbeddings().data());
    }

    @Test
    void blockSparseOnRequestAndSameLengthIsAllowed() throws IOException {
        EncoderWeights source = HuggingFaceCheckpointImporter.importFolder(SyntheticCheckpoint.bert(13).write(dir.resolve("b"))).weights();
        var pattern = new AttentionPattern.BlockSparse(4, 1, 42L, AttentionPattern.RandomBlocks.SEEDED);
        ImportedModel same = Longify.longify(source, 16, pattern);
        assertSame(pattern, same.pattern());
        assertArrayEquals(source.positionEmbeddings().data(), same.weights().positionEmbeddings().data());
    }

    @Test
    void rejectsShorterTargetsAndMismatchedWindows() throws IOException {
        EncoderWeights source = HuggingFaceCheckpointImporter.importFolder(SyntheticCheckpoint.bert(14).write(dir.resolve("b"))).weights();
        assertContains(assertThrows(IllegalArgumentException.class, () -> Longify.longify(source, 15, 4)), "15 tokens", "shorter", "16");
        var threeLayers = AttentionPattern.SlidingWindow.uniform(3, 4);
        assertContains(assertThrows(IllegalArgumentException.class, () -> Longify.longify(source, 32, threeLayers)), "3 layers", "2");
        assertThrows(IllegalArgumentException.class, () -> Longify.longify(source, 32, 0), "window < 1");
    }

    static float[] row(FloatTensor table, int row) {
        int d = table.dim(1);
        return Arrays.copyOfRange(table.data(), row * d, (row + 1) * d);
    }
}
