package io.longdoc.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReciprocalRankFusionTests {

    @Test
    void sumsOneOverSixtyPlusRank() {
        // a: 1/61 + 1/63; b: 1/62 + 1/61; c: 1/63; d: 1/62 -> b > a > d > c
        List<String> fused = ReciprocalRankFusion.fuse(List.of(List.of("a", "b", "c"), List.of("b", "d", "a")), 10);
        assertEquals(List.of("b", "a", "d", "c"), fused);
        assertEquals(List.of("b", "a"), ReciprocalRankFusion.fuse(List.of(List.of("a", "b", "c"), List.of("b", "d", "a")), 2));
    }

    @Test
    void breaksTiesById() {
        assertEquals(List.of("x", "y"), ReciprocalRankFusion.fuse(List.of(List.of("y"), List.of("x")), 10));
    }
}
