// The CPU kernel of longdoc.SparseAttention, independent of ONNX Runtime: the op glue (cpu_op.cc) hands it validated
// host pointers and a way to run work items in parallel (ORT's intra-op thread pool); the unit tests hand it their
// own threads.
//
// Work is split into items of (batch, head, query tile); each item streams its allowed keys through the tile step
// of tile_kernels.h with an online softmax, so memory per worker is one query tile and one 64-key score tile.
#ifndef LONGDOC_CPU_SPARSE_ATTENTION_CPU_H_
#define LONGDOC_CPU_SPARSE_ATTENTION_CPU_H_

#include <cstddef>
#include <cstdint>

#include "../common/attention_config.h"
#include "tile_kernels.h"

namespace longdoc {
namespace cpu {

struct AttentionInputs {
  const float* query = nullptr;            // [batch, n, hidden]
  const float* key = nullptr;
  const float* value = nullptr;
  const int64_t* attention_mask = nullptr; // [batch, n]
  const int64_t* global_mask = nullptr;    // [batch, n] or nullptr
  const float* query_global = nullptr;     // all three or none
  const float* key_global = nullptr;
  const float* value_global = nullptr;
  const int64_t* layout = nullptr;         // [heads, B - 2, r] when Problem::reads_layout
  float* output = nullptr;                 // [batch, n, hidden]
};

// Runs fn(context, i) for every i in [0, total), possibly concurrently; returns when all have run. fn never throws.
class ParallelFor {
 public:
  virtual ~ParallelFor() = default;
  virtual void Run(size_t total, void (*fn)(void* context, size_t index), void* context) const = 0;
};

class SerialFor final : public ParallelFor {
 public:
  void Run(size_t total, void (*fn)(void*, size_t), void* context) const override {
    for (size_t i = 0; i < total; ++i) fn(context, i);
  }
};

// Computes the op for inputs that passed ValidateShapes, ValidateMaskValues and ValidateLayoutValues.
// Throws std::bad_alloc when a worker cannot get its scratch memory.
void SparseAttention(const AttentionConfig& config, const Problem& problem, const AttentionInputs& inputs,
                     const ParallelFor& parallel, const TileKernels& kernels = SelectTileKernels());

}  // namespace cpu
}  // namespace longdoc

#endif  // LONGDOC_CPU_SPARSE_ATTENTION_CPU_H_
