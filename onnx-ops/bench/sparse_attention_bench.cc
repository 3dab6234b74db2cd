// Rough speed of the CPU kernel: the fused op (each ISA variant, one thread and all threads) next to a naive loop that
// visits exactly the same allowed keys per query with scalar code and a two-pass softmax. Not a test; run by hand:
//   build/sparse_attention_bench [n] [window] [heads] [head_dim] [threads]
// GFLOP/s counts 4·h flops per allowed (query, key) pair (q·k and p·v).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "../test/test_support.h"

namespace longdoc {
namespace test {
namespace {

// Per query: band keys (and globals) with a scalar two-pass softmax; no tiling, no vectors.
void NaiveSlidingWindow(const AttentionConfig& config, const Problem& p, const cpu::AttentionInputs& in) {
  const float scale = 1.0f / std::sqrt(static_cast<float>(p.head_dim));
  std::vector<int64_t> keys;
  std::vector<float> scores;
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t head = 0; head < p.heads; ++head) {
      for (int64_t i = 0; i < p.n; ++i) {
        keys.clear();
        const int64_t w = config.window;
        for (int64_t j = std::max<int64_t>(0, i - w); j <= std::min(p.n - 1, i + w); ++j) keys.push_back(j);
        if (in.global_mask != nullptr && i > w) keys.push_back(0);  // [CLS], outside this query's window
        const float* q = in.query + (b * p.n + i) * p.hidden + head * p.head_dim;
        scores.resize(keys.size());
        float max = -INFINITY;
        for (size_t k = 0; k < keys.size(); ++k) {
          const float* key = in.key + (b * p.n + keys[k]) * p.hidden + head * p.head_dim;
          float s = 0;
          for (int64_t c = 0; c < p.head_dim; ++c) s += q[c] * key[c];
          scores[k] = s * scale;
          max = std::max(max, scores[k]);
        }
        float total = 0;
        for (float& s : scores) total += (s = std::exp(s - max));
        float* out = in.output + (b * p.n + i) * p.hidden + head * p.head_dim;
        for (int64_t c = 0; c < p.head_dim; ++c) out[c] = 0;
        for (size_t k = 0; k < keys.size(); ++k) {
          const float* value = in.value + (b * p.n + keys[k]) * p.hidden + head * p.head_dim;
          for (int64_t c = 0; c < p.head_dim; ++c) out[c] += scores[k] / total * value[c];
        }
      }
    }
  }
}

template <typename F>
double BestSeconds(int repeats, F&& f) {
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

}  // namespace
}  // namespace test
}  // namespace longdoc

int main(int argc, char** argv) {
  using namespace longdoc;
  using namespace longdoc::test;
  const int64_t n = argc > 1 ? std::atoll(argv[1]) : 4096;
  const int64_t window = argc > 2 ? std::atoll(argv[2]) : 256;
  const int64_t heads = argc > 3 ? std::atoll(argv[3]) : 12;
  const int64_t head_dim = argc > 4 ? std::atoll(argv[4]) : 32;
  const int threads = argc > 5 ? std::atoi(argv[5]) : static_cast<int>(std::thread::hardware_concurrency());

  Case c;
  c.attributes = SlidingWindow(heads, window);
  c.n = n;
  c.head_dim = head_dim;
  c.first_global = true;  // [CLS], as the default model
  Tensors t = MakeTensors(c);
  const cpu::AttentionInputs in = t.Inputs();
  // Allowed pairs: the band of every query, plus [CLS] outside it, plus [CLS]'s own row of n keys.
  double pairs = 0;
  for (int64_t i = 0; i < n; ++i) pairs += std::min(n - 1, i + window) - std::max<int64_t>(0, i - window) + 1 + (i > window ? 1 : 0);
  pairs = pairs * heads;
  const double flops = 4.0 * head_dim * pairs;
  std::printf("sliding window: n=%lld w=%lld heads=%lld h=%lld, [CLS] global; %.2f GFLOP per call\n", (long long)n, (long long)window,
              (long long)heads, (long long)head_dim, flops / 1e9);

  const double naive = BestSeconds(2, [&] { NaiveSlidingWindow(t.config, t.problem, in); });
  std::printf("  %-28s %9.2f ms  %7.2f GFLOP/s\n", "naive scalar loop, 1 thread", naive * 1e3, flops / naive / 1e9);
  const cpu::TileKernels* kernels[4];
  const int count = cpu::SupportedTileKernels(kernels, 4);
  for (int k = 0; k < count; ++k) {
    const double fused = BestSeconds(3, [&] { cpu::SparseAttention(t.config, t.problem, in, cpu::SerialFor(), *kernels[k]); });
    std::printf("  fused %-8s 1 thread      %9.2f ms  %7.2f GFLOP/s  (%.1fx naive)\n", kernels[k]->name, fused * 1e3, flops / fused / 1e9,
                naive / fused);
  }
  const double parallel = BestSeconds(3, [&] { cpu::SparseAttention(t.config, t.problem, in, ThreadFor(threads), cpu::SelectTileKernels()); });
  std::printf("  fused %-8s %d threads     %9.2f ms  %7.2f GFLOP/s  (%.1fx naive)\n", cpu::SelectTileKernels().name, threads, parallel * 1e3,
              flops / parallel / 1e9, naive / parallel);
  return 0;
}
