package io.longdoc.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OpProfileTests {

    /** Two runs: the first is warm-up and left out; kernel events are summed per op type and divided by the runs kept. */
    private static final String TRACE = """
        [
         {"cat": "Session", "name": "model_run", "ts": 100, "dur": 50, "args": {}},
         {"cat": "Node", "name": "mm_0_kernel_time", "ts": 110, "dur": 30000, "args": {"op_name": "MatMul"}},
         {"cat": "Session", "name": "model_run", "ts": 1000, "dur": 9000, "args": {}},
         {"cat": "Node", "name": "mm_0_kernel_time", "ts": 1010, "dur": 4000, "args": {"op_name": "MatMul"}},
         {"cat": "Node", "name": "mm_0_fence_before", "ts": 1010, "dur": 7777, "args": {"op_name": "MatMul"}},
         {"cat": "Node", "name": "att_1_kernel_time", "ts": 5100, "dur": 3000, "args": {"op_name": "SparseAttention"}},
         {"cat": "Node", "name": "mm_2_kernel_time", "ts": 8200, "dur": 2000, "args": {"op_name": "MatMul"}}
        ]
        """;

    @Test
    void sumsKernelTimePerOpTypeOverTheTimedRuns() throws Exception {
        OpProfile profile = OpProfile.parse(TRACE, 1);
        assertEquals(6.0, profile.msPerRun().get("MatMul"), 1e-9);
        assertEquals(3.0, profile.msPerRun().get("SparseAttention"), 1e-9);
        assertEquals(9.0, profile.kernelMs(), 1e-9);
        assertEquals(9.0, profile.runMs(), 1e-9);
        assertEquals(2.0 / 3, profile.share("MatMul"), 1e-9);
        assertEquals(0, profile.share("Gelu"));
        assertEquals("MatMul", profile.msPerRun().keySet().iterator().next(), "largest first");
        assertEquals((30 + 4 + 2) / 2.0, OpProfile.parse(TRACE, 2).msPerRun().get("MatMul"), 1e-9, "both runs kept");
    }

    @Test
    void moreRunsThanTheProfileHoldsIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> OpProfile.parse(TRACE, 3));
    }
}
