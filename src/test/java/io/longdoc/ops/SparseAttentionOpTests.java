package io.longdoc.ops;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The built {@code liblongdoc_ops.so} inside a real ONNX Runtime session: one {@code longdoc.SparseAttention} node per
 * model, compared with the plain dense reference of {@link SparseAttentionCase}; bad attributes, shapes and values must
 * come back as ORT errors, never as a crash.
 */
class SparseAttentionOpTests {

    private static final float TOLERANCE = 1e-4f;
    private static final String LIBRARY_PROPERTY = "tests.longdoc.ops.library";

    private static OrtEnvironment env;
    private static Path library;

    /** Where the Maven build puts the library, then where a developer's CMake build does. */
    private static final List<String> DEFAULT_LOCATIONS = List.of("onnx-ops/target/liblongdoc_ops.so", "onnx-ops/build/liblongdoc_ops.so");

    @BeforeAll
    static void findLibrary() {
        String configured = System.getProperty(LIBRARY_PROPERTY);
        List<Path> candidates = (configured == null ? DEFAULT_LOCATIONS : List.of(configured)).stream()
            .map(location -> Path.of(location).toAbsolutePath())
            .toList();
        library = candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
        if (library == null) {
            fail("the longdoc ops library is not built: missing " + candidates + ". Build it with "
                + "`cmake -S onnx-ops -B onnx-ops/build && cmake --build onnx-ops/build -j2 --target longdoc_ops` "
                + "(or point -D" + LIBRARY_PROPERTY + " at a built liblongdoc_ops.so)");
        }
        env = OrtEnvironment.getEnvironment();
    }

    @Test
    void slidingWindowWithDilationGlobalsAndPaddingMatchesReference() throws OrtException {
        Random random = new Random(1);
        SparseAttentionCase c = SparseAttentionCase.slidingWindow(2, 150, 4, 16, 6, new long[] { 1, 2, 1, 3 }, random)
            .global(0, 0)
            .global(1, 0, 7, 90)
            .global(1, 140)  // a padding position marked global stays padding
            .pad(1, 120);
        assertMatchesReference(c, 2);
    }

    @Test
    void slidingWindowWithoutGlobalsMatchesReference() throws OrtException {
        assertMatchesReference(SparseAttentionCase.slidingWindow(1, 200, 2, 32, 70, null, new Random(2)), 1);
    }

    @Test
    void windowWiderThanTheSequenceIsFullAttention() throws OrtException {
        assertMatchesReference(SparseAttentionCase.slidingWindow(1, 40, 2, 8, 100, null, new Random(3)), 1);
    }

    @Test
    void globalProjectionsAreUsedForGlobalRowsOnly() throws OrtException {
        Random random = new Random(4);
        SparseAttentionCase c = SparseAttentionCase.slidingWindow(2, 120, 2, 16, 5, null, random)
            .global(0, 0, 1, 2, 3)
            .global(1, 0)
            .globalProjections(random)
            .pad(0, 100);
        assertMatchesReference(c, 2);
    }

    @Test
    void blockSparseWithSeededLayoutMatchesReference() throws OrtException {
        SparseAttentionCase c = SparseAttentionCase.blockSparse(2, 256, 2, 16, 16, 3, false, new Random(5)).pad(1, 200);
        assertMatchesReference(c, 2);
    }

    @Test
    void blockSparseHfEvalCountsBlockZeroForEveryRandomBlock() throws OrtException {
        // n = 203 is not a multiple of the block: the last block is padded, as Hugging Face pads to the block size.
        assertMatchesReference(SparseAttentionCase.blockSparse(1, 203, 2, 16, 16, 3, true, new Random(6)), 2);
    }

    @Test
    void blockSparseFallsBackToFullAttentionOnShortInputs() throws OrtException {
        // (5 + 2·3)·16 = 176 ≥ n: Hugging Face uses full attention there
        assertMatchesReference(SparseAttentionCase.blockSparse(1, 176, 2, 16, 16, 3, false, new Random(7)), 1);
    }

    @Test
    void emptySequenceGivesAnEmptyOutput() throws OrtException {
        SparseAttentionCase c = SparseAttentionCase.slidingWindow(2, 0, 2, 8, 4, null, new Random(8));
        assertEquals(0, run(c, 1).length);
    }

    @Test
    void sessionKeepsWorkingAfterItsOptionsAreClosed() throws OrtException {
        // The runtime closes the options right after creating a session; Java then dlcloses the library.
        SparseAttentionCase c = SparseAttentionCase.slidingWindow(1, 64, 2, 8, 4, null, new Random(9)).global(0, 0);
        OrtSession session;
        try (OrtSession.SessionOptions options = options(1)) {
            session = env.createSession(c.model(), options);
        }
        try (session) {
            assertArrayEquals(c.reference(), runSession(session, c), TOLERANCE);
        }
    }

    @Test
    void badAttributesFailSessionCreation() {
        Random random = new Random(10);
        assertSessionFails(caseWith(random, "window", 0L), "attribute [window] must be at least 1, got: 0");
        assertSessionFails(caseWith(random, "dilation", new long[] { 1, 0 }), "attribute [dilation] must be at least 1 for every head, got: 0 for head 1");
        assertSessionFails(caseWith(random, "dilation", new long[] { 1 }), "attribute [dilation] needs one value per head: 2 heads, got 1 values");
        assertSessionFails(caseWith(random, "pattern", "dense"), "attribute [pattern] must be [sliding_window] or [block_sparse], got: [dense]");
        assertSessionFails(caseWith(random, "num_heads", -1L), "attribute [num_heads] must be at least 1, got: -1");
        assertSessionFails(caseWith(random, "block_size", 8L), "attribute [block_size] does not apply to pattern [sliding_window]");
        SparseAttentionCase block = SparseAttentionCase.blockSparse(1, 64, 2, 8, 0, 3, true, random);
        assertSessionFails(block, "attribute [block_size] must be at least 1, got: 0");
        SparseAttentionCase seededWithoutLayout = SparseAttentionCase.blockSparse(1, 64, 2, 8, 8, 3, true, random);
        seededWithoutLayout.attributes.put("random_mode", "seeded");
        assertSessionFails(seededWithoutLayout, "input [random_block_layout] is required with random_mode [seeded]");
    }

    @Test
    void badShapesAndValuesFailTheRun() {
        Random random = new Random(11);
        SparseAttentionCase shortMask = SparseAttentionCase.slidingWindow(1, 32, 2, 8, 4, null, random);
        shortMask.attentionMask = new long[31];
        assertRunFails(shortMask, "input [attention_mask] must have shape [batch, n] = [1, 32], got [1, 31]");

        SparseAttentionCase headMismatch = SparseAttentionCase.slidingWindow(1, 32, 2, 8, 4, null, random);
        headMismatch.attributes.put("num_heads", 3L);
        headMismatch.attributes.put("window", 4L);
        assertRunFails(headMismatch, "hidden size 16 must be a positive multiple of attribute [num_heads] = 3");

        SparseAttentionCase maskValue = SparseAttentionCase.slidingWindow(1, 32, 2, 8, 4, null, random);
        maskValue.attentionMask[5] = 2;
        assertRunFails(maskValue, "input [attention_mask] must hold 0 or 1, got 2 at [0, 5]");

        SparseAttentionCase globalValue = SparseAttentionCase.slidingWindow(1, 32, 2, 8, 4, null, random).global(0, 0);
        globalValue.globalMask[3] = -1;
        assertRunFails(globalValue, "input [global_attention_mask] must hold 0 or 1, got -1 at [0, 3]");

        SparseAttentionCase layout = SparseAttentionCase.blockSparse(1, 256, 2, 8, 16, 3, false, random);
        layout.layout[4] = 16;
        assertRunFails(layout, "input [random_block_layout] holds block indices in [0, 16), got 16 at [0, 1, 1]");

        SparseAttentionCase layoutShape = SparseAttentionCase.blockSparse(1, 256, 2, 8, 16, 3, false, random);
        layoutShape.layoutShape = new long[] { 2, 7, 6 };
        assertRunFails(layoutShape, "input [random_block_layout] must have shape [num_heads, ceil(n / block_size) - 2, random_blocks] = [2, 14, 3], got [2, 7, 6]");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private static SparseAttentionCase caseWith(Random random, String attribute, Object value) {
        SparseAttentionCase c = SparseAttentionCase.slidingWindow(1, 16, 2, 8, 4, null, random);
        c.attributes.put(attribute, value);
        return c;
    }

    private static OrtSession.SessionOptions options(int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.registerCustomOpLibrary(library.toString());
        return options;
    }

    private static void assertMatchesReference(SparseAttentionCase c, int threads) throws OrtException {
        float[] expected = c.reference();
        float[] actual = run(c, threads);
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= TOLERANCE, "max abs diff to the dense reference must be ≤ " + TOLERANCE + ", got " + worst);
    }

    private static float[] run(SparseAttentionCase c, int threads) throws OrtException {
        try (OrtSession.SessionOptions options = options(threads); OrtSession session = env.createSession(c.model(), options)) {
            return runSession(session, c);
        }
    }

    private static float[] runSession(OrtSession session, SparseAttentionCase c) throws OrtException {
        Map<String, OnnxTensor> feeds = c.feeds(env);
        try (OrtSession.Result result = session.run(feeds)) {
            OnnxTensor output = (OnnxTensor) result.get(0);
            assertArrayEquals(new long[] { c.batch, c.n, c.hidden }, output.getInfo().getShape());
            FloatBuffer buffer = output.getFloatBuffer();
            float[] values = new float[buffer.remaining()];
            buffer.get(values);
            return values;
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    private static void assertSessionFails(SparseAttentionCase c, String message) {
        OrtException e = assertThrows(OrtException.class, () -> {
            try (OrtSession.SessionOptions options = options(1); OrtSession session = env.createSession(c.model(), options)) {
                fail("session creation should have failed with [" + message + "]");
            }
        });
        assertTrue(e.getMessage().contains(message), "expected [" + message + "] in [" + e.getMessage() + "]");
        assertTrue(e.getMessage().contains("longdoc.SparseAttention node [attention]"), "the error names the node: " + e.getMessage());
    }

    private static void assertRunFails(SparseAttentionCase c, String message) {
        OrtException e = assertThrows(OrtException.class, () -> run(c, 1));
        assertTrue(e.getMessage().contains(message), "expected [" + message + "] in [" + e.getMessage() + "]");
    }
}
