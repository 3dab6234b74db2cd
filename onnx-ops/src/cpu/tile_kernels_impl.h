// The body of TileKernels::attend, written once against the `Simd` wrapper that the including translation unit
// defines (simd_avx512.h, simd_avx2.h or simd_scalar.h). Everything is in an anonymous namespace: see simd_avx512.h.
//
// One step, for a tile of up to kMaxKeyTile keys against the query tile (columns = queries), one column chunk
// (kVecs vectors) at a time:
//   1. Sᵀ[k][t] = k_k · q_t        register-blocked: kRows keys × kVecs vectors of queries
//   2. bias, masks, column max, P = 2^(Sᵀ - m_new), running sum; α = 2^(m_old - m_new) (scores carry log2(e))
//   3. acc[c][t] = α[t]·acc[c][t] + Σ_k v_k[c]·P[k][t]      same blocking, α folded into the load
// In a ranged tile (the ends of a sliding-window band) a chunk only visits the keys allowed somewhere in it: the
// others are masked there (probability exactly 0), so skipping their products changes nothing.
#ifndef LONGDOC_CPU_TILE_KERNELS_IMPL_H_
#define LONGDOC_CPU_TILE_KERNELS_IMPL_H_

#include "tile_kernels.h"

namespace longdoc {
namespace cpu {
namespace {

using V = Simd::V;
constexpr int kW = Simd::kWidth;
constexpr int kVecs = Simd::kVecs;
constexpr int kRows = Simd::kRows;
constexpr int kChunk = kVecs * kW;  // query columns one block covers
static_assert(32 % kChunk == 0, "query tiles of 32 and 64 columns must split into whole chunks");
static_assert(kMinQueryTile % kW == 0 && kChunk <= 2 * kMinQueryTile, "a narrow tile must be whole vectors, at most one chunk");

// Keys [first, end) of the tile: the only ones allowed anywhere in one column chunk.
struct KeyRange {
  int first;
  int end;
};

inline KeyRange KeysFor(const KeyTile& keys, int col, int width) {
  if (!keys.ranged) return {0, keys.count};
  int first = keys.count, end = 0;
  for (int k = 0; k < keys.count; ++k) {
    const int lo = keys.lo[k] > col ? keys.lo[k] : col;
    const int hi = keys.hi[k] < col + width ? keys.hi[k] : col + width;
    if (lo < hi) {
      if (first > k) first = k;
      end = k + 1;
    }
  }
  return first < end ? KeyRange{first, end} : KeyRange{0, 0};
}

// out[r][0, NV·kW) = Σ_c keys[r][c] · qt[c][0, NV·kW)   (out and qt already offset to the chunk's first column)
template <int NV, int R>
inline void ScoreBlock(const float* const* keys, const float* qt, int columns, int head_dim, float* out) {
  V acc[R][NV];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) acc[r][v] = Simd::Zero();
#pragma GCC unroll 4
  for (int c = 0; c < head_dim; ++c, qt += columns) {
    V q[NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) q[v] = Simd::Load(qt + v * kW);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const V k = Simd::Set1(keys[r][c]);
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) acc[r][v] = Simd::Fma(k, q[v], acc[r][v]);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) Simd::Store(out + r * columns + v * kW, acc[r][v]);
}

// The last `rest` (< R + 1) keys of a range, with a block of exactly that height.
template <int NV, int R>
inline void ScoreTail(int rest, const float* const* keys, const float* qt, int columns, int head_dim, float* out) {
  if constexpr (R > 0) {
    if (rest == R) {
      ScoreBlock<NV, R>(keys, qt, columns, head_dim, out);
    } else {
      ScoreTail<NV, R - 1>(rest, keys, qt, columns, head_dim, out);
    }
  }
}

template <int NV, int R>
inline void ScoreChunk(const KeyTile& keys, KeyRange range, const QueryTileState& st, int col) {
  int r = range.first;
  for (; r + R <= range.end; r += R) ScoreBlock<NV, R>(keys.k + r, st.qt + col, st.columns, st.head_dim, st.scores + r * st.columns + col);
  ScoreTail<NV, R - 1>(range.end - r, keys.k + r, st.qt + col, st.columns, st.head_dim, st.scores + r * st.columns + col);
}

// Bias and masks into the scores of keys [first, end) at columns [col, col + kW); returns their max. Four running
// maxima keep the chain short.
template <bool kBias, bool kMask>
inline V PrepareScores(const KeyTile& keys, KeyRange range, float* s, int columns, int col) {
  const V t = Simd::Add(Simd::Iota(), Simd::Set1(static_cast<float>(col)));
  V m[4] = {Simd::Set1(-__builtin_inff()), Simd::Set1(-__builtin_inff()), Simd::Set1(-__builtin_inff()), Simd::Set1(-__builtin_inff())};
  int k = range.first;
  auto one = [&](int key, V& max) {
    V x = Simd::Load(s + key * columns);
    if constexpr (kBias) x = Simd::Add(x, Simd::Set1(keys.bias[key]));
    if constexpr (kMask) {
      x = Simd::MaskRange(x, t, static_cast<float>(keys.lo[key]), static_cast<float>(keys.hi[key]), static_cast<float>(keys.xlo[key]),
                          static_cast<float>(keys.xhi[key]));
    }
    if constexpr (kBias || kMask) Simd::Store(s + key * columns, x);
    max = Simd::Max(max, x);
  };
  for (; k + 4 <= range.end; k += 4) {
#pragma GCC unroll 4
    for (int u = 0; u < 4; ++u) one(k + u, m[u]);
  }
  for (; k < range.end; ++k) one(k, m[0]);
  return Simd::Max(Simd::Max(m[0], m[1]), Simd::Max(m[2], m[3]));
}

// Turns scores into probabilities relative to the new running max and updates max, sum and alpha, per column.
template <int kWidthPerChunk>
inline void Softmax(const KeyTile& keys, const KeyRange* ranges, QueryTileState& st) {
  const int columns = st.columns;
  for (int col = 0; col < columns; col += kW) {
    const KeyRange range = ranges[col / kWidthPerChunk];
    float* s = st.scores + col;
    V tile_max;
    if (keys.ranged) {
      tile_max = keys.biased ? PrepareScores<true, true>(keys, range, s, columns, col) : PrepareScores<false, true>(keys, range, s, columns, col);
    } else {
      tile_max = keys.biased ? PrepareScores<true, false>(keys, range, s, columns, col) : PrepareScores<false, false>(keys, range, s, columns, col);
    }
    const V old_max = Simd::Load(st.max + col);
    const V new_max = Simd::Max(old_max, tile_max);
    const V shift = Simd::ZeroIfNegInf(new_max);
    const V alpha = Simd::Pow2(Simd::Sub(old_max, shift));
    V total[2] = {Simd::Zero(), Simd::Zero()};
    int k = range.first;
    for (; k + 2 <= range.end; k += 2) {
#pragma GCC unroll 2
      for (int u = 0; u < 2; ++u) {
        const V p = Simd::Pow2(Simd::Sub(Simd::Load(s + (k + u) * columns), shift));
        Simd::Store(s + (k + u) * columns, p);
        total[u] = Simd::Add(total[u], p);
      }
    }
    if (k < range.end) {
      const V p = Simd::Pow2(Simd::Sub(Simd::Load(s + k * columns), shift));
      Simd::Store(s + k * columns, p);
      total[0] = Simd::Add(total[0], p);
    }
    Simd::Store(st.sum + col, Simd::Fma(Simd::Load(st.sum + col), alpha, Simd::Add(total[0], total[1])));
    Simd::Store(st.max + col, new_max);
    Simd::Store(st.alpha + col, alpha);
  }
}

// acc[c0 + r][col, col + NV·kW) = alpha · acc[...] + Σ_k values[k][c0 + r] · p[k][col, col + NV·kW)
template <int NV, int R>
inline void AccumulateBlock(const KeyTile& keys, KeyRange range, int c0, const QueryTileState& st, int col) {
  V out[R][NV];
  V alpha[NV];
#pragma GCC unroll 8
  for (int v = 0; v < NV; ++v) alpha[v] = Simd::Load(st.alpha + col + v * kW);
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) out[r][v] = Simd::Mul(Simd::Load(st.acc + (c0 + r) * st.columns + col + v * kW), alpha[v]);
  const float* p = st.scores + range.first * st.columns + col;
  for (int k = range.first; k < range.end; ++k, p += st.columns) {
    V pk[NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) pk[v] = Simd::Load(p + v * kW);
    const float* value = keys.v[k] + c0;
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const V x = Simd::Set1(value[r]);
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) out[r][v] = Simd::Fma(x, pk[v], out[r][v]);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) Simd::Store(st.acc + (c0 + r) * st.columns + col + v * kW, out[r][v]);
}

template <int NV, int R>
inline void AccumulateTail(int rest, const KeyTile& keys, const KeyRange* ranges, int chunks, int c0, const QueryTileState& st) {
  if constexpr (R > 0) {
    if (rest == R) {
      for (int ch = 0; ch < chunks; ++ch) AccumulateBlock<NV, R>(keys, ranges[ch], c0, st, ch * NV * kW);
    } else {
      AccumulateTail<NV, R - 1>(rest, keys, ranges, chunks, c0, st);
    }
  }
}

// One step with column chunks of NV vectors; blocks keep kRows·kVecs accumulators whatever NV is.
template <int NV>
inline void Step(const KeyTile& keys, QueryTileState& st) {
  constexpr int kWidthPerChunk = NV * kW;
  constexpr int R = kRows * kVecs / NV;
  const int chunks = st.columns / kWidthPerChunk;
  KeyRange ranges[kMaxQueryTile / kWidthPerChunk];
  for (int ch = 0; ch < chunks; ++ch) {
    ranges[ch] = KeysFor(keys, ch * kWidthPerChunk, kWidthPerChunk);
    ScoreChunk<NV, R>(keys, ranges[ch], st, ch * kWidthPerChunk);
  }
  Softmax<kWidthPerChunk>(keys, ranges, st);
  int c0 = 0;
  for (; c0 + R <= st.head_dim; c0 += R) {
    for (int ch = 0; ch < chunks; ++ch) AccumulateBlock<NV, R>(keys, ranges[ch], c0, st, ch * kWidthPerChunk);
  }
  AccumulateTail<NV, R - 1>(st.head_dim - c0, keys, ranges, chunks, c0, st);
}

void Attend(const KeyTile& keys, QueryTileState& st) {
  if constexpr (kChunk > kMinQueryTile) {
    if (st.columns < kChunk) {
      Step<kMinQueryTile / kW>(keys, st);  // a narrow tile: one chunk of fewer vectors, more keys per block
      return;
    }
  }
  Step<kVecs>(keys, st);
}

}  // namespace
}  // namespace cpu
}  // namespace longdoc

#endif  // LONGDOC_CPU_TILE_KERNELS_IMPL_H_
