// Which keys each query tile visits, shared by the CPU and CUDA kernels so that both walk the same patterns. Every
// function is plain integer arithmetic, callable from host and device code.
#ifndef LONGDOC_COMMON_ATTENTION_PLAN_H_
#define LONGDOC_COMMON_ATTENTION_PLAN_H_

#include <cstdint>

#if defined(__CUDACC__)
#define LONGDOC_HD __host__ __device__ inline
#else
#define LONGDOC_HD inline
#endif

namespace longdoc {
namespace plan {

// The most random blocks a query block may list; bounds the fixed-size key-block lists below (BigBird uses 3).
constexpr int kMaxRandomBlocks = 64;
// Fixed key blocks of a middle query block: q-1, q, q+1, 0 and B-1.
constexpr int kMaxKeyBlocks = 5 + kMaxRandomBlocks;

// Overflow-free for any positive b (attributes can be anything up to INT64_MAX).
LONGDOC_HD int64_t CeilDiv(int64_t a, int64_t b) { return a / b + (a % b != 0 ? 1 : 0); }
LONGDOC_HD int64_t Min64(int64_t a, int64_t b) { return a < b ? a : b; }
LONGDOC_HD int64_t Max64(int64_t a, int64_t b) { return a > b ? a : b; }

// ---- sliding window with dilation ----------------------------------------------------------------------------
// With dilation d, query i only ever meets keys of its own residue class i mod d, and inside the class the window
// is a plain band: query t (the t-th member) attends members t-w..t+w. So the kernels tile each class like an
// undilated sequence; class c holds positions c, c+d, c+2d, ...

// How many classes exist and how many query tiles each contributes: n = a·d + rem, classes c < rem have a + 1
// members, the others a.
struct ClassTiling {
  int64_t classes;        // min(d, n)
  int64_t rem;            // classes with a + 1 members
  int64_t long_tiles;     // tiles of a class with a + 1 members
  int64_t short_tiles;    // tiles of a class with a members
};

LONGDOC_HD ClassTiling TileClasses(int64_t n, int64_t d, int64_t tile) {
  ClassTiling t;
  const int64_t a = n / d;
  t.rem = n % d;
  t.classes = Min64(d, n);
  t.long_tiles = CeilDiv(a + 1, tile);
  t.short_tiles = CeilDiv(a, tile);
  return t;
}

LONGDOC_HD int64_t ClassTileCount(const ClassTiling& t) {
  return t.rem * t.long_tiles + (t.classes - t.rem) * t.short_tiles;
}

LONGDOC_HD int64_t ClassSize(int64_t n, int64_t d, int64_t c) { return (n - c + d - 1) / d; }

// Maps a flat tile index to (class, first member of the tile).
LONGDOC_HD void ClassTileAt(const ClassTiling& t, int64_t index, int64_t tile, int64_t* cls, int64_t* first) {
  const int64_t long_total = t.rem * t.long_tiles;
  if (index < long_total) {
    *cls = index / t.long_tiles;
    *first = (index % t.long_tiles) * tile;
  } else {
    const int64_t rest = index - long_total;
    *cls = t.rem + rest / t.short_tiles;
    *first = (rest % t.short_tiles) * tile;
  }
}

// Query columns [lo, hi) of a tile starting at member t0 that key member m is in the window of (|m - t| ≤ w).
LONGDOC_HD void BandColumns(int64_t m, int64_t t0, int64_t w, int64_t columns, int* lo, int* hi) {
  *lo = static_cast<int>(Max64(0, m - w - t0));
  *hi = static_cast<int>(Min64(columns, m + w - t0 + 1));
}

// ---- block sparse (BigBird ITC) ------------------------------------------------------------------------------
// Hugging Face switches to full attention when the input is this short (decided on the unpadded length n).
LONGDOC_HD bool BlockSparseIsFull(int64_t n, int64_t block, int64_t random_blocks) {
  return CeilDiv(n, 5 + 2 * random_blocks) <= block;  // n ≤ (5 + 2r)·b without overflowing the product
}

// A window or dilation of n or more means the same as n (every distance is below n), and keeps the index arithmetic
// of the kernels far from overflow whatever the attribute says.
LONGDOC_HD int64_t EffectiveExtent(int64_t value, int64_t n) { return Min64(value, Max64(n, 1)); }

struct KeyBlock {
  int64_t block;
  int multiplicity;
};

LONGDOC_HD int AddKeyBlock(KeyBlock* blocks, int count, int64_t block) {
  for (int i = 0; i < count; ++i) {
    if (blocks[i].block == block) {
      ++blocks[i].multiplicity;
      return count;
    }
  }
  blocks[count].block = block;
  blocks[count].multiplicity = 1;
  return count + 1;
}

// Key blocks of the middle query block q (1 ≤ q ≤ B-2, B ≥ 6) with their multiplicities: the fixed set
// {q-1, q, q+1} ∪ {0, B-1} once each, then every listed random block one more time. `random` holds r entries
// (nullptr: Hugging Face eval, every random block is block 0). Entries outside [0, B) are skipped; the kernels have
// validated them already, this only keeps memory safe. Returns the number of entries written (≤ 5 + r).
LONGDOC_HD int MiddleKeyBlocks(int64_t q, int64_t num_blocks, int64_t r, const int64_t* random, KeyBlock* out) {
  int count = 0;
  const int64_t fixed[5] = {0, q - 1, q, q + 1, num_blocks - 1};
  for (int i = 0; i < 5; ++i) {
    bool seen = false;
    for (int j = 0; j < count; ++j) seen = seen || out[j].block == fixed[i];
    if (!seen) count = AddKeyBlock(out, count, fixed[i]);
  }
  for (int64_t i = 0; i < r; ++i) {
    const int64_t block = random == nullptr ? 0 : random[i];
    if (block >= 0 && block < num_blocks) count = AddKeyBlock(out, count, block);
  }
  return count;
}

}  // namespace plan
}  // namespace longdoc

#endif  // LONGDOC_COMMON_ATTENTION_PLAN_H_
