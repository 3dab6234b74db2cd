// Random problems and a tiny test harness shared by the C++ tests, the CUDA check and the benchmark.
#ifndef LONGDOC_TEST_TEST_SUPPORT_H_
#define LONGDOC_TEST_TEST_SUPPORT_H_

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../src/common/attention_config.h"
#include "../src/cpu/sparse_attention_cpu.h"

namespace longdoc {
namespace test {

// ---- harness ---------------------------------------------------------------------------------------------------
inline int& Failures() {
  static int failures = 0;
  return failures;
}

#define EXPECT(cond, ...)                                     \
  do {                                                        \
    if (!(cond)) {                                            \
      std::printf("  FAILED %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      std::printf(__VA_ARGS__);                               \
      std::printf("\n");                                      \
      ++::longdoc::test::Failures();                          \
    }                                                         \
  } while (0)

// ---- parallelism -----------------------------------------------------------------------------------------------
// A stand-in for ORT's intra-op pool: `threads` workers claiming items from a shared counter.
class ThreadFor final : public cpu::ParallelFor {
 public:
  explicit ThreadFor(int threads) : threads_(std::max(1, threads)) {}
  void Run(size_t total, void (*fn)(void*, size_t), void* context) const override {
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < total;) fn(context, i);
    };
    std::vector<std::thread> workers;
    for (int t = 1; t < threads_; ++t) workers.emplace_back(work);
    work();
    for (auto& worker : workers) worker.join();
  }

 private:
  int threads_;
};

// ---- random problems -------------------------------------------------------------------------------------------
enum class LayoutKind {
  kOutsideFixed,  // r distinct blocks outside {q-1, q, q+1} ∪ {0, B-1}, as BigBird draws them
  kAnything,      // any blocks, repeats and overlaps included (exercises multiplicities)
};

struct Case {
  std::string name;
  RawAttributes attributes;
  int64_t batch = 1;
  int64_t n = 0;
  int64_t head_dim = 16;
  std::vector<int64_t> lengths;     // tokens per batch entry (the rest is padding); empty: all n
  double global_fraction = 0;       // share of random global tokens (sliding window)
  bool first_global = false;        // [CLS] global
  bool global_mask_input = false;   // wire global_attention_mask even when it is all zero
  bool global_projections = false;
  bool global_on_padding = false;   // mark a padding position global (must stay padding)
  LayoutKind layout = LayoutKind::kOutsideFixed;
  uint32_t seed = 1;
};

struct Tensors {
  AttentionConfig config;
  Problem problem;
  InputShapes shapes;
  std::vector<float> query, key, value, query_global, key_global, value_global;
  std::vector<int64_t> mask, global_mask, layout;
  std::vector<float> output;

  cpu::AttentionInputs Inputs() {
    cpu::AttentionInputs in;
    in.query = query.data();
    in.key = key.data();
    in.value = value.data();
    in.attention_mask = mask.data();
    in.global_mask = global_mask.empty() ? nullptr : global_mask.data();
    if (!query_global.empty()) {
      in.query_global = query_global.data();
      in.key_global = key_global.data();
      in.value_global = value_global.data();
    }
    in.layout = layout.empty() ? nullptr : layout.data();
    in.output = output.data();
    return in;
  }
};

inline RawAttributes SlidingWindow(int64_t heads, int64_t window, std::vector<int64_t> dilation = {}) {
  RawAttributes raw;
  raw.num_heads = heads;
  raw.pattern = kPatternSlidingWindow;
  raw.window = window;
  if (!dilation.empty()) raw.dilation = dilation;
  return raw;
}

inline RawAttributes BlockSparse(int64_t heads, int64_t block, int64_t random_blocks, const char* mode) {
  RawAttributes raw;
  raw.num_heads = heads;
  raw.pattern = kPatternBlockSparse;
  raw.block_size = block;
  raw.random_blocks = random_blocks;
  raw.random_mode = std::string(mode);
  return raw;
}

inline std::vector<int64_t> DrawLayout(int64_t heads, int64_t blocks, int64_t r, LayoutKind kind, std::mt19937& rng) {
  std::vector<int64_t> layout;
  for (int64_t head = 0; head < heads; ++head) {
    for (int64_t q = 1; q <= blocks - 2; ++q) {
      std::vector<int64_t> candidates;
      for (int64_t block = kind == LayoutKind::kAnything ? 0 : 1; block < (kind == LayoutKind::kAnything ? blocks : blocks - 1); ++block) {
        if (kind == LayoutKind::kAnything || block < q - 1 || block > q + 1) candidates.push_back(block);
      }
      if (kind == LayoutKind::kOutsideFixed) std::shuffle(candidates.begin(), candidates.end(), rng);
      for (int64_t k = 0; k < r; ++k) {
        layout.push_back(kind == LayoutKind::kOutsideFixed ? candidates[k] : candidates[rng() % candidates.size()]);
      }
    }
  }
  return layout;
}

inline Tensors MakeTensors(const Case& c) {
  Tensors t;
  t.config = ParseAttributes(c.attributes);
  const int64_t heads = t.config.num_heads, hidden = heads * c.head_dim, tokens = c.batch * c.n * hidden;
  std::mt19937 rng(c.seed);
  std::normal_distribution<float> normal(0.0f, 1.5f);
  auto fill = [&](std::vector<float>& v) {
    v.resize(static_cast<size_t>(tokens));
    for (float& x : v) x = normal(rng);
  };
  fill(t.query);
  fill(t.key);
  fill(t.value);
  t.mask.assign(static_cast<size_t>(c.batch * c.n), 1);
  for (int64_t b = 0; b < static_cast<int64_t>(c.lengths.size()); ++b) {
    for (int64_t i = c.lengths[b]; i < c.n; ++i) t.mask[b * c.n + i] = 0;
  }
  const bool sliding = t.config.pattern == Pattern::kSlidingWindow;
  if (sliding && (c.global_mask_input || c.global_fraction > 0 || c.first_global || c.global_on_padding)) {
    t.global_mask.assign(static_cast<size_t>(c.batch * c.n), 0);
    std::uniform_real_distribution<double> unit(0, 1);
    for (int64_t b = 0; b < c.batch; ++b) {
      for (int64_t i = 0; i < c.n; ++i) {
        if ((c.first_global && i == 0) || unit(rng) < c.global_fraction) t.global_mask[b * c.n + i] = 1;
      }
      if (c.global_on_padding && b < static_cast<int64_t>(c.lengths.size()) && c.lengths[b] < c.n) t.global_mask[b * c.n + c.n - 1] = 1;
    }
  }
  if (c.global_projections) {
    fill(t.query_global);
    fill(t.key_global);
    fill(t.value_global);
  }
  t.shapes[kQuery] = t.shapes[kKey] = t.shapes[kValue] = Shape{c.batch, c.n, hidden};
  t.shapes[kAttentionMask] = Shape{c.batch, c.n};
  if (!t.global_mask.empty()) t.shapes[kGlobalAttentionMask] = Shape{c.batch, c.n};
  if (c.global_projections) t.shapes[kQueryGlobal] = t.shapes[kKeyGlobal] = t.shapes[kValueGlobal] = Shape{c.batch, c.n, hidden};
  if (!sliding && t.config.random_mode == RandomMode::kSeeded) {
    const int64_t blocks = c.n / t.config.block_size + (c.n % t.config.block_size != 0);
    const bool full = static_cast<__int128>(c.n) <= static_cast<__int128>(5 + 2 * t.config.random_blocks) * t.config.block_size;
    // Below the fallback length the layout is not read; wire a harmless one so the input is still present.
    t.layout = full ? std::vector<int64_t>{0} : DrawLayout(heads, blocks, t.config.random_blocks, c.layout, rng);
    t.shapes[kRandomBlockLayout] = full ? Shape{1} : Shape{heads, blocks - 2, t.config.random_blocks};
  }
  t.problem = ValidateShapes(t.config, t.shapes);
  t.output.assign(static_cast<size_t>(tokens), -7.0f);  // garbage: every element must be written
  return t;
}

inline double MaxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = std::abs(static_cast<double>(a[i]) - b[i]);
    if (std::isnan(d)) return INFINITY;
    worst = std::max(worst, d);
  }
  return worst;
}

}  // namespace test
}  // namespace longdoc

#endif  // LONGDOC_TEST_TEST_SUPPORT_H_
