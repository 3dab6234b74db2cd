// The validated form of one SparseAttention node (attributes) and of one call (input shapes). Kept free of ONNX
// Runtime types so the unit tests can exercise every check without a session. Every check throws
// std::invalid_argument with a message naming the attribute or input and what was expected; the ORT glue turns it
// into an OrtStatus.
#ifndef LONGDOC_COMMON_ATTENTION_CONFIG_H_
#define LONGDOC_COMMON_ATTENTION_CONFIG_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "longdoc_ops.h"

namespace longdoc {

enum class Pattern { kSlidingWindow, kBlockSparse };
enum class RandomMode { kSeeded, kHfEval };

// Attribute values as found on the node; nullopt = absent.
struct RawAttributes {
  std::optional<int64_t> num_heads;
  std::optional<std::string> pattern;
  std::optional<int64_t> window;
  std::optional<std::vector<int64_t>> dilation;
  std::optional<int64_t> block_size;
  std::optional<int64_t> random_blocks;
  std::optional<std::string> random_mode;
};

struct AttentionConfig {
  int64_t num_heads = 0;
  Pattern pattern = Pattern::kSlidingWindow;
  int64_t window = 0;              // sliding_window
  std::vector<int64_t> dilation;   // sliding_window: one per head
  int64_t block_size = 0;          // block_sparse
  int64_t random_blocks = 0;       // block_sparse
  RandomMode random_mode = RandomMode::kSeeded;
};

// Which inputs a node wires (kernel creation) or a call provides (compute).
using InputPresence = std::array<bool, kSparseAttentionInputCount>;

using Shape = std::vector<int64_t>;
using InputShapes = std::array<std::optional<Shape>, kSparseAttentionInputCount>;

// The sizes of one call, after validation.
struct Problem {
  int64_t batch = 0;
  int64_t n = 0;
  int64_t hidden = 0;
  int64_t heads = 0;
  int64_t head_dim = 0;
  bool has_global_mask = false;
  bool has_global_projections = false;
  // block_sparse
  int64_t num_blocks = 0;          // ceil(n / block_size)
  bool full_attention = false;     // n ≤ (5 + 2r)·b: Hugging Face's fallback
  bool reads_layout = false;       // seeded and not full: input 8 is read
};

AttentionConfig ParseAttributes(const RawAttributes& raw);

// Optional inputs that must or must not be wired for this configuration.
void ValidateInputPresence(const AttentionConfig& config, const InputPresence& present);

Problem ValidateShapes(const AttentionConfig& config, const InputShapes& shapes);

// Value checks on host memory (the CUDA kernels do the same on the device).
void ValidateMaskValues(const int64_t* mask, const Problem& problem, int input);
void ValidateLayoutValues(const int64_t* layout, const AttentionConfig& config, const Problem& problem);

std::string ShapeToString(const Shape& shape);

}  // namespace longdoc

#endif  // LONGDOC_COMMON_ATTENTION_CONFIG_H_
