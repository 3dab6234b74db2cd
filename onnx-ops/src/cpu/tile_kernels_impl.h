// The body of TileKernels::attend, written once against the `Simd` wrapper that the including translation unit
// defines (simd_avx512.h, simd_avx2.h or simd_scalar.h). Everything is in an anonymous namespace: see simd_avx512.h.
//
// One step, for a tile of up to 64 keys against the query tile (columns = queries):
//   1. Sᵀ[k][t] = k_k · q_t        register-blocked: kRows keys × kVecs vectors of queries
//   2. bias, masks, column max, P = exp(Sᵀ - m_new), running sum; α = exp(m_old - m_new)
//   3. acc[c][t] = α[t]·acc[c][t] + Σ_k v_k[c]·P[k][t]      same blocking, α folded into the load
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

// scores[r][col, col + kChunk) = Σ_c keys[r][c] · qt[c][col, col + kChunk)
template <int R>
inline void ScoreBlock(const float* const* keys, const QueryTileState& st, int col) {
  V acc[R][kVecs];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < kVecs; ++v) acc[r][v] = Simd::Zero();
  const float* qt = st.qt + col;
  for (int c = 0; c < st.head_dim; ++c, qt += st.columns) {
    V q[kVecs];
#pragma GCC unroll 8
    for (int v = 0; v < kVecs; ++v) q[v] = Simd::Load(qt + v * kW);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const V k = Simd::Set1(keys[r][c]);
#pragma GCC unroll 8
      for (int v = 0; v < kVecs; ++v) acc[r][v] = Simd::Fma(k, q[v], acc[r][v]);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < kVecs; ++v) Simd::Store(st.scores + r * st.columns + col + v * kW, acc[r][v]);
}

template <int R>
inline void ScoreRows(const float* const* keys, const QueryTileState& st) {
  for (int col = 0; col < st.columns; col += kChunk) ScoreBlock<R>(keys, st, col);
}

// The last `rest` (< kRows) keys of a tile, with a block of exactly that height.
template <int R>
inline void ScoreTail(int rest, const float* const* keys, QueryTileState& st, float* scores) {
  if constexpr (R > 0) {
    if (rest == R) {
      QueryTileState shifted = st;
      shifted.scores = scores;
      ScoreRows<R>(keys, shifted);
    } else {
      ScoreTail<R - 1>(rest, keys, st, scores);
    }
  }
}

inline void Scores(const KeyTile& keys, QueryTileState& st) {
  int r0 = 0;
  for (; r0 + kRows <= keys.count; r0 += kRows) {
    QueryTileState shifted = st;
    shifted.scores = st.scores + r0 * st.columns;
    ScoreRows<kRows>(keys.k + r0, shifted);
  }
  ScoreTail<kRows - 1>(keys.count - r0, keys.k + r0, st, st.scores + r0 * st.columns);
}

// Turns scores into probabilities relative to the new running max and updates max, sum and alpha, per column.
inline void Softmax(const KeyTile& keys, QueryTileState& st) {
  const int columns = st.columns;
  for (int col = 0; col < columns; col += kW) {
    const V t = Simd::Add(Simd::Iota(), Simd::Set1(static_cast<float>(col)));
    V tile_max = Simd::Set1(-__builtin_inff());
    float* s = st.scores + col;
    for (int k = 0; k < keys.count; ++k, s += columns) {
      V x = Simd::Add(Simd::Load(s), Simd::Set1(keys.bias[k]));
      if (keys.ranged) {
        x = Simd::MaskRange(x, t, static_cast<float>(keys.lo[k]), static_cast<float>(keys.hi[k]),
                            static_cast<float>(keys.xlo[k]), static_cast<float>(keys.xhi[k]));
      }
      Simd::Store(s, x);
      tile_max = Simd::Max(tile_max, x);
    }
    const V old_max = Simd::Load(st.max + col);
    const V new_max = Simd::Max(old_max, tile_max);
    const V shift = Simd::ZeroIfNegInf(new_max);
    const V alpha = Simd::Exp(Simd::Sub(old_max, shift));
    V total = Simd::Zero();
    s = st.scores + col;
    for (int k = 0; k < keys.count; ++k, s += columns) {
      const V p = Simd::Exp(Simd::Sub(Simd::Load(s), shift));
      Simd::Store(s, p);
      total = Simd::Add(total, p);
    }
    Simd::Store(st.sum + col, Simd::Fma(Simd::Load(st.sum + col), alpha, total));
    Simd::Store(st.max + col, new_max);
    Simd::Store(st.alpha + col, alpha);
  }
}

// acc[c0 + r][col, col + kChunk) = alpha · acc[...] + Σ_k values[k][c0 + r] · p[k][col, col + kChunk)
template <int R>
inline void AccumulateBlock(const KeyTile& keys, int c0, const QueryTileState& st, int col) {
  V out[R][kVecs];
  V alpha[kVecs];
#pragma GCC unroll 8
  for (int v = 0; v < kVecs; ++v) alpha[v] = Simd::Load(st.alpha + col + v * kW);
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < kVecs; ++v) out[r][v] = Simd::Mul(Simd::Load(st.acc + (c0 + r) * st.columns + col + v * kW), alpha[v]);
  const float* p = st.scores + col;
  for (int k = 0; k < keys.count; ++k, p += st.columns) {
    V pk[kVecs];
#pragma GCC unroll 8
    for (int v = 0; v < kVecs; ++v) pk[v] = Simd::Load(p + v * kW);
    const float* value = keys.v[k] + c0;
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const V x = Simd::Set1(value[r]);
#pragma GCC unroll 8
      for (int v = 0; v < kVecs; ++v) out[r][v] = Simd::Fma(x, pk[v], out[r][v]);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < kVecs; ++v) Simd::Store(st.acc + (c0 + r) * st.columns + col + v * kW, out[r][v]);
}

template <int R>
inline void AccumulateRows(const KeyTile& keys, int c0, const QueryTileState& st) {
  for (int col = 0; col < st.columns; col += kChunk) AccumulateBlock<R>(keys, c0, st, col);
}

template <int R>
inline void AccumulateTail(int rest, const KeyTile& keys, int c0, const QueryTileState& st) {
  if constexpr (R > 0) {
    if (rest == R) {
      AccumulateRows<R>(keys, c0, st);
    } else {
      AccumulateTail<R - 1>(rest, keys, c0, st);
    }
  }
}

inline void Accumulate(const KeyTile& keys, const QueryTileState& st) {
  int c0 = 0;
  for (; c0 + kRows <= st.head_dim; c0 += kRows) AccumulateRows<kRows>(keys, c0, st);
  AccumulateTail<kRows - 1>(st.head_dim - c0, keys, c0, st);
}

void Attend(const KeyTile& keys, QueryTileState& st) {
  Scores(keys, st);
  Softmax(keys, st);
  Accumulate(keys, st);
}

}  // namespace
}  // namespace cpu
}  // namespace longdoc

#endif  // LONGDOC_CPU_TILE_KERNELS_IMPL_H_
