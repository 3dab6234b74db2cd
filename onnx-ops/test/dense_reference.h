// The naive reference the CPU kernel is tested against: for every query, the full row of n scores with the pattern's
// multiplicities c_ij (0 = not allowed), softmax in double precision. Written straight from ARCHITECTURE.md's
// definitions and deliberately sharing no code with the kernel's planner (attention_plan.h).
#ifndef LONGDOC_TEST_DENSE_REFERENCE_H_
#define LONGDOC_TEST_DENSE_REFERENCE_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "../src/common/attention_config.h"
#include "../src/cpu/sparse_attention_cpu.h"

namespace longdoc {
namespace test {

// How often key j enters query i's softmax (0: not at all).
inline int Multiplicity(const AttentionConfig& config, const Problem& p, const cpu::AttentionInputs& in, int64_t b, int64_t head,
                        int64_t i, int64_t j) {
  auto token = [&](int64_t x) { return in.attention_mask[b * p.n + x] == 1; };
  auto global = [&](int64_t x) { return in.global_mask != nullptr && token(x) && in.global_mask[b * p.n + x] == 1; };
  if (!token(j)) return 0;
  if (config.pattern == Pattern::kSlidingWindow) {
    if (global(i) || global(j)) return 1;
    const int64_t d = config.dilation[head];
    const int64_t distance = std::llabs(i - j);
    return distance % d == 0 && distance / d <= config.window ? 1 : 0;
  }
  const int64_t block = config.block_size, r = config.random_blocks;
  const int64_t blocks = p.n / block + (p.n % block != 0);
  if (static_cast<__int128>(p.n) <= static_cast<__int128>(5 + 2 * r) * block) return 1;  // Hugging Face's full-attention fallback
  const int64_t qb = i / block, kb = j / block;
  if (qb == 0 || qb == blocks - 1) return 1;
  int count = (kb == qb - 1 || kb == qb || kb == qb + 1 || kb == 0 || kb == blocks - 1) ? 1 : 0;
  for (int64_t k = 0; k < r; ++k) {
    const int64_t listed = config.random_mode == RandomMode::kHfEval ? 0 : in.layout[(head * (blocks - 2) + (qb - 1)) * r + k];
    count += listed == kb ? 1 : 0;
  }
  return count;
}

inline std::vector<float> DenseReference(const AttentionConfig& config, const Problem& p, const cpu::AttentionInputs& in) {
  std::vector<float> out(static_cast<size_t>(p.batch * p.n * p.hidden), 0.0f);
  const double scale = 1.0 / std::sqrt(static_cast<double>(p.head_dim));
  std::vector<double> weight(static_cast<size_t>(p.n));
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t head = 0; head < p.heads; ++head) {
      for (int64_t i = 0; i < p.n; ++i) {
        if (in.attention_mask[b * p.n + i] != 1) continue;  // padding rows stay 0
        const bool global = config.pattern == Pattern::kSlidingWindow && in.global_mask != nullptr && in.global_mask[b * p.n + i] == 1;
        const bool projected = global && in.query_global != nullptr;
        const float* q = (projected ? in.query_global : in.query) + (b * p.n + i) * p.hidden + head * p.head_dim;
        const float* keys = projected ? in.key_global : in.key;
        const float* values = projected ? in.value_global : in.value;
        double max = -INFINITY;
        for (int64_t j = 0; j < p.n; ++j) {
          const int c = Multiplicity(config, p, in, b, head, i, j);
          weight[j] = -INFINITY;
          if (c == 0) continue;
          const float* k = keys + (b * p.n + j) * p.hidden + head * p.head_dim;
          double s = 0;
          for (int64_t x = 0; x < p.head_dim; ++x) s += static_cast<double>(q[x]) * k[x];
          weight[j] = s * scale + std::log(static_cast<double>(c));
          max = std::max(max, weight[j]);
        }
        double total = 0;
        for (int64_t j = 0; j < p.n; ++j) {
          weight[j] = std::exp(weight[j] - max);
          total += weight[j];
        }
        float* o = out.data() + (b * p.n + i) * p.hidden + head * p.head_dim;
        for (int64_t x = 0; x < p.head_dim; ++x) {
          double acc = 0;
          for (int64_t j = 0; j < p.n; ++j) {
            if (weight[j] != 0) acc += weight[j] * values[(b * p.n + j) * p.hidden + head * p.head_dim + x];
          }
          o[x] = static_cast<float>(acc / total);
        }
      }
    }
  }
  return out;
}

}  // namespace test
}  // namespace longdoc

#endif  // LONGDOC_TEST_DENSE_REFERENCE_H_
