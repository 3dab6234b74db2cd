// The vectorised inner step of the CPU kernel: fold one tile of keys into the online-softmax state of one tile of
// queries. One implementation per instruction set (tile_kernels_{avx512,avx2,generic}.cc, each compiled with its own
// -m flags), chosen at run time; the rest of the kernel is ISA-neutral.
//
// Layout: the query tile is kept transposed (head dim × query columns) so that every vector runs across queries.
// Scores are then computed as Sᵀ = K·Qᵀ by broadcasting single key elements straight from the K rows, and the
// update acc += Pᵀᵀ·V broadcasts single V elements: neither K nor V is ever copied or transposed, only the query
// tile is, once per work item.
#ifndef LONGDOC_CPU_TILE_KERNELS_H_
#define LONGDOC_CPU_TILE_KERNELS_H_

#include <cstdint>

namespace longdoc {
namespace cpu {

constexpr int kKeyTile = 64;           // keys folded per step, as a rule
// A step may take this many keys more when the stream is about to end, so that a band's last few keys (the global
// [CLS] after a 576-key band) do not cost a step of their own.
constexpr int kKeyTileSlack = 8;
constexpr int kMaxKeyTile = kKeyTile + kKeyTileSlack;
constexpr int kMaxQueryTile = 64;      // query columns per work item: 16, 32 or 64 (multiples of every ISA's width)
constexpr int kMinQueryTile = 16;      // for a handful of global queries, which read every key

// Online-softmax state of one query tile; every array is 64-byte aligned.
struct QueryTileState {
  int columns = 0;        // 16, 32 or 64
  int head_dim = 0;
  // [head_dim][columns] queries, pre-scaled by log2(e)/sqrt(head_dim) so that the softmax's exp is a 2^x; zero for
  // unused columns. Scores, max and bias are all in that base-2 scale.
  float* qt = nullptr;
  float* acc = nullptr;   // [head_dim][columns] running Σ p·v
  float* max = nullptr;   // [columns] running max score (-inf: nothing seen yet)
  float* sum = nullptr;   // [columns] running Σ p
  float* scores = nullptr;  // [kMaxKeyTile][columns] scratch
  float* alpha = nullptr;   // [columns] scratch
};

// Up to kMaxKeyTile keys. Key r is allowed for query columns [lo, hi) minus [xlo, xhi) when `ranged`, for every
// column otherwise; its scores get `bias` added when `biased` (log2 of its multiplicity; 0 mostly).
struct KeyTile {
  int count = 0;
  bool ranged = false;
  bool biased = false;
  const float* k[kMaxKeyTile];
  const float* v[kMaxKeyTile];
  float bias[kMaxKeyTile];
  int lo[kMaxKeyTile];
  int hi[kMaxKeyTile];
  int xlo[kMaxKeyTile];
  int xhi[kMaxKeyTile];
};

struct TileKernels {
  const char* name;
  // Folds `keys` (count ≥ 1) into `state`.
  void (*attend)(const KeyTile& keys, QueryTileState& state);
};

// nullptr when the library was built without that variant; callers also check the CPU (see SelectTileKernels).
const TileKernels* Avx512TileKernels();
const TileKernels* Avx2TileKernels();
const TileKernels* GenericTileKernels();

// The best variant this CPU runs (AVX-512F, else AVX2+FMA, else generic).
const TileKernels& SelectTileKernels();

// Every variant this CPU can run, best first (for tests and benchmarks).
int SupportedTileKernels(const TileKernels** out, int capacity);

}  // namespace cpu
}  // namespace longdoc

#endif  // LONGDOC_CPU_TILE_KERNELS_H_
