package io.longdoc.graph;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Longformer attention: a (dilated) sliding window plus global tokens, never materialising n×n scores.
 * <p>
 * Heads are grouped by dilation d. For a group, the sequence is zero-padded to a multiple of d·w and reordered to
 * [d, n/d]: the positions with one residue mod d form a subsequence on which the dilated window is a plain window w.
 * Each subsequence is cut into chunks of w queries; chunk c sees key chunks c−1, c, c+1 (3w keys, gathered by
 * padding one empty chunk at each end and concatenating three shifted slices), masked to |i − j| ≤ w, to real keys
 * and away from global keys. In front of every chunk's window go the G global keys (normal projections), so one
 * batched MatMul, one masked softmax over [G global slots | 3w window keys] and one MatMul do all the work, and a
 * global key inside the window counts once. Finally the global tokens' own rows are recomputed over all keys
 * ({@link GlobalTokens#withGlobalRows}). Scores per head: n·(G + 3w).
 */
final class SlidingWindowAttention implements SelfAttention {

    private final AttentionPattern.SlidingWindow pattern;
    private final EncoderConfig config;
    private final TokenMasks masks;
    private final GlobalTokens globals;
    /** float [batch, n]: keys the window may show, real and not global (those come through the global slots). */
    private final String windowKeys;
    /** float [batch, 1, 1, 1, 1, G]: which global slots hold a global token. */
    private final String globalSlotKeep;
    private final Map<Long, String> padLengths = new HashMap<>();
    private final Map<List<Integer>, String> keeps = new HashMap<>();

    SlidingWindowAttention(OnnxGraphWriter g, AttentionPattern.SlidingWindow pattern, EncoderConfig config, TokenMasks masks, GlobalTokens globals) {
        this.pattern = pattern;
        this.config = config;
        this.masks = masks;
        this.globals = globals;
        this.windowKeys = g.cast(g.op("And", List.of(masks.real(), g.op("Not", List.of(globals.isGlobal())))), DataType.FLOAT);
        this.globalSlotKeep = g.unsqueeze(g.cast(globals.slotKeep(), DataType.FLOAT), 1, 2, 3, 4);
    }

    @Override
    public String context(OnnxGraphWriter g, AttentionInputs in) {
        int window = pattern.windows()[in.layer()];
        String globalKeys = AttentionOps.splitHeads(g, globals.gather(g, in.key().merged(), config.hiddenSize()), config.numHeads(), config.headDim());
        String globalValues = AttentionOps.splitHeads(g, globals.gather(g, in.value().merged(), config.hiddenSize()), config.numHeads(), config.headDim());

        Map<Integer, List<Integer>> headsByDilation = new LinkedHashMap<>();
        for (int head = 0; head < config.numHeads(); head++) {
            headsByDilation.computeIfAbsent(pattern.dilation(in.layer(), head), d -> new ArrayList<>()).add(head);
        }
        List<String> groupContexts = new ArrayList<>();
        List<Integer> headOrder = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> group : headsByDilation.entrySet()) {
            List<Integer> heads = group.getValue();
            groupContexts.add(
                windowAttention(
                    g,
                    selectHeads(g, in.query().heads(), heads),
                    selectHeads(g, in.key().heads(), heads),
                    selectHeads(g, in.value().heads(), heads),
                    selectHeads(g, globalKeys, heads),
                    selectHeads(g, globalValues, heads),
                    window,
                    group.getKey()
                )
            );
            headOrder.addAll(heads);
        }
        String context = groupContexts.size() == 1 ? groupContexts.get(0) : g.concat(1, groupContexts.toArray(String[]::new));
        if (isIdentity(headOrder) == false) {
            context = g.gather(context, g.longs(inverse(headOrder)), 1);
        }
        String local = AttentionOps.mergeHeads(g, context, config.hiddenSize());
        return globals.withGlobalRows(g, in, local, masks, config);
    }

    /** One dilation group's heads, [batch, hg, n, h] each; returns their context, [batch, hg, n, h]. */
    private String windowAttention(OnnxGraphWriter g, String q, String k, String v, String globalK, String globalV, int w, int d) {
        int headDim = config.headDim();
        String padLength = padLength(g, (long) w * d);
        String queryChunks = chunks(g, g.padEnd(q, 4, 2, padLength), w, d);
        String keyWindows = neighbours(g, chunks(g, g.padEnd(k, 4, 2, padLength), w, d), 6, 3);
        String valueWindows = neighbours(g, chunks(g, g.padEnd(v, 4, 2, padLength), w, d), 6, 3);

        // every chunk's keys are [G global slots | 3w window keys]: one softmax, a global key inside the window once
        String keys = withGlobalSlots(g, globalK, keyWindows);
        String values = withGlobalSlots(g, globalV, valueWindows);
        String out = AttentionOps.attend(g, queryChunks, keys, values, keep(g, w, d), 6); // [batch, hg, d, C, w, h]

        String subsequences = g.reshape(out, 0, 0, 0, -1, headDim); // [batch, hg, d, n'/d, h]
        String sequence = d == 1 ? g.squeeze(subsequences, 2) : g.reshape(g.transpose(subsequences, 0, 1, 3, 2, 4), 0, 0, -1, headDim);
        return g.slice(sequence, 2, g.longs(0), masks.length());
    }

    /** [batch, hg, G, h] copied before every chunk's window, [batch, hg, d, C, 3w, h] → [batch, hg, d, C, G + 3w, h]. */
    private static String withGlobalSlots(OnnxGraphWriter g, String global, String windows) {
        String shape = g.concat(0, g.shape(windows, 0, 4), g.shape(global, 2, 4));
        return g.concat(4, g.op("Expand", List.of(g.unsqueeze(global, 2, 3), shape)), windows);
    }

    /** [batch, hg, n', h] (n' a multiple of w·d) → [batch, hg, d, C, w, h]: the subsequences of each residue mod d, in chunks of w. */
    private String chunks(OnnxGraphWriter g, String x, int w, int d) {
        int headDim = config.headDim();
        if (d == 1) {
            return g.reshape(x, 0, 0, 1, -1, w, headDim);
        }
        String byResidue = g.transpose(g.reshape(x, 0, 0, -1, d, headDim), 0, 1, 3, 2, 4);
        return g.reshape(byResidue, 0, 0, 0, -1, w, headDim);
    }

    /** Chunks along {@code axis} (of size w along axis + 1) → each chunk with its left and right neighbours, 3w along axis + 1. */
    private static String neighbours(OnnxGraphWriter g, String chunks, int rank, int axis) {
        String padded = g.pad(chunks, rank, axis, 1, 1);
        return g.concat(axis + 1, g.slice(padded, axis, 0, -2), g.slice(padded, axis, 1, -1), g.slice(padded, axis, 2, OnnxGraphWriter.TO_END));
    }

    /**
     * bool [batch, 1, d, C, w, G + 3w]: which of its global slots and window keys each chunked query sees. Shared by
     * the layers with this window and dilation.
     */
    private String keep(OnnxGraphWriter g, int w, int d) {
        return keeps.computeIfAbsent(List.of(w, d), key -> {
            String keys = g.padEnd(windowKeys, 2, 1, padLength(g, (long) w * d));
            String grid = d == 1 ? g.reshape(keys, 0, 1, -1, w) : g.reshape(g.transpose(g.reshape(keys, 0, -1, d), 0, 2, 1), 0, 0, -1, w);
            String windows = g.unsqueeze(neighbours(g, grid, 4, 2), 1, 4);
            String window = g.mul(windows, g.floats(band(w), w, 3 * w)); // [batch, 1, d, C, w, 3w]
            String slotShape = g.concat(0, g.shape(window, 0, 5), globals.count());
            String slots = g.op("Expand", List.of(globalSlotKeep, slotShape));
            return g.cast(g.concat(5, slots, window), DataType.BOOL);
        });
    }

    /** [w, 3w]: query a of a chunk sees slot s of its window when the positions differ by at most w steps. */
    private static float[] band(int w) {
        float[] band = new float[w * 3 * w];
        for (int a = 0; a < w; a++) {
            for (int s = 0; s < 3 * w; s++) {
                band[a * 3 * w + s] = Math.abs(s - w - a) <= w ? 1 : 0;
            }
        }
        return band;
    }

    private String padLength(OnnxGraphWriter g, long unit) {
        return padLengths.computeIfAbsent(unit, u -> masks.padLength(g, u));
    }

    private String selectHeads(OnnxGraphWriter g, String x, List<Integer> heads) {
        if (heads.size() == config.numHeads()) {
            return x;
        }
        return g.gather(x, g.longs(heads.stream().mapToLong(Integer::longValue).toArray()), 1);
    }

    private static boolean isIdentity(List<Integer> order) {
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i) != i) {
                return false;
            }
        }
        return true;
    }

    private static long[] inverse(List<Integer> order) {
        long[] inverse = new long[order.size()];
        for (int i = 0; i < order.size(); i++) {
            inverse[order.get(i)] = i;
        }
        return inverse;
    }
}
