// The CPU kernel against the dense reference on every pattern and edge case, with every instruction-set variant this
// CPU runs, serially and threaded; then the attribute and shape checks. Exit status 0 = all passed.
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "dense_reference.h"
#include "test_support.h"

namespace longdoc {
namespace test {
namespace {

constexpr double kTolerance = 1e-4;

std::vector<const cpu::TileKernels*> Variants() {
  const cpu::TileKernels* kernels[4];
  const int count = cpu::SupportedTileKernels(kernels, 4);
  return std::vector<const cpu::TileKernels*>(kernels, kernels + count);
}

double CheckCase(const Case& c, bool verbose) {
  Tensors t = MakeTensors(c);
  const cpu::AttentionInputs in = t.Inputs();
  const std::vector<float> expected = DenseReference(t.config, t.problem, in);
  double worst = 0;
  for (const cpu::TileKernels* kernels : Variants()) {
    std::fill(t.output.begin(), t.output.end(), -7.0f);
    cpu::SparseAttention(t.config, t.problem, in, cpu::SerialFor(), *kernels);
    const double diff = MaxAbsDiff(t.output, expected);
    EXPECT(diff <= kTolerance, "%s [%s]: max abs diff %.3g", c.name.c_str(), kernels->name, diff);
    worst = std::max(worst, diff);
  }
  std::fill(t.output.begin(), t.output.end(), -7.0f);
  cpu::SparseAttention(t.config, t.problem, in, ThreadFor(4), cpu::SelectTileKernels());
  const double threaded = MaxAbsDiff(t.output, expected);
  EXPECT(threaded <= kTolerance, "%s [threaded]: max abs diff %.3g", c.name.c_str(), threaded);
  worst = std::max(worst, threaded);
  for (int64_t b = 0; b < t.problem.batch; ++b) {
    for (int64_t i = 0; i < t.problem.n; ++i) {
      if (t.mask[b * t.problem.n + i] != 0) continue;
      for (int64_t x = 0; x < t.problem.hidden; ++x) {
        const float value = t.output[(b * t.problem.n + i) * t.problem.hidden + x];
        if (value != 0.0f) {
          EXPECT(value == 0.0f, "%s: padding row [%lld, %lld] must be 0, got %g", c.name.c_str(), (long long)b, (long long)i, value);
          x = t.problem.hidden;
          i = t.problem.n;
        }
      }
    }
  }
  if (verbose) std::printf("  %-48s max abs diff %.2e\n", c.name.c_str(), worst);
  return worst;
}

Case Named(std::string name, RawAttributes attributes, int64_t batch, int64_t n, int64_t head_dim, uint32_t seed) {
  Case c;
  c.name = std::move(name);
  c.attributes = std::move(attributes);
  c.batch = batch;
  c.n = n;
  c.head_dim = head_dim;
  c.seed = seed;
  return c;
}

std::vector<Case> FixedCases() {
  std::vector<Case> cases;
  cases.push_back(Named("window only", SlidingWindow(2, 3), 1, 50, 16, 1));
  cases.push_back(Named("window >= n", SlidingWindow(2, 80), 2, 37, 16, 2));
  cases.push_back(Named("window 1, n 1", SlidingWindow(1, 1), 1, 1, 8, 3));
  cases.push_back(Named("wide window, 64-query tiles", SlidingWindow(2, 70), 1, 300, 64, 4));
  cases.push_back(Named("dilation on some heads", SlidingWindow(4, 5, {1, 2, 3, 1}), 2, 90, 16, 5));
  cases.push_back(Named("dilation >= n", SlidingWindow(2, 2, {1, 200}), 1, 40, 16, 6));
  Case no_globals = Named("no globals (mask wired, all zero)", SlidingWindow(2, 4), 2, 60, 16, 7);
  no_globals.global_mask_input = true;
  cases.push_back(no_globals);
  Case cls = Named("global [CLS]", SlidingWindow(3, 6), 2, 120, 32, 8);
  cls.first_global = true;
  cases.push_back(cls);
  Case many = Named("many globals", SlidingWindow(2, 4, {1, 3}), 2, 150, 16, 9);
  many.global_fraction = 0.3;
  many.first_global = true;
  cases.push_back(many);
  Case projections = Named("global projections", SlidingWindow(2, 5, {2, 1}), 2, 100, 16, 10);
  projections.global_fraction = 0.1;
  projections.global_projections = true;
  cases.push_back(projections);
  Case padding = Named("padding (+ a global on padding)", SlidingWindow(2, 4), 3, 70, 16, 11);
  padding.lengths = {70, 33, 1};
  padding.first_global = true;
  padding.global_on_padding = true;
  padding.global_projections = true;
  cases.push_back(padding);
  Case all_padding = Named("a batch entry that is all padding", SlidingWindow(1, 2), 2, 20, 8, 12);
  all_padding.lengths = {20, 0};
  cases.push_back(all_padding);
  Case longer = Named("n 3000, window 256, [CLS] (default model shape)", SlidingWindow(1, 256), 1, 3000, 32, 15);
  longer.first_global = true;
  longer.lengths = {2950};
  cases.push_back(longer);
  // Global-query tiles of 16, 32 and 64 columns (fewer globals get a narrower tile), and window tiles whose last step
  // takes the global keys beyond 64 keys (the band plus [CLS] is 577 keys).
  for (int percent : {2, 5, 12}) {
    Case globals = Named(std::to_string(percent) + " % globals of n 500, window 100", SlidingWindow(2, 100), 1, 500, 32, 18);
    globals.global_fraction = percent / 100.0;
    globals.first_global = true;
    cases.push_back(globals);
  }
  Case ragged = Named("n 1500, w 256, [CLS] + globals, padding", SlidingWindow(2, 256, {1, 2}), 2, 1500, 32, 19);
  ragged.first_global = true;
  ragged.global_fraction = 0.004;
  ragged.lengths = {1500, 1210};
  cases.push_back(ragged);
  Case extreme = Named("window and dilation INT64_MAX", SlidingWindow(2, INT64_MAX, {INT64_MAX, 1}), 1, 70, 8, 16);
  extreme.first_global = true;
  cases.push_back(extreme);
  cases.push_back(Named("block_size INT64_MAX (full attention)", BlockSparse(1, INT64_MAX, 3, kRandomModeHfEval), 1, 50, 8, 17));
  cases.push_back(Named("odd head dim 20", SlidingWindow(3, 9), 1, 80, 20, 13));
  cases.push_back(Named("head dim 7", SlidingWindow(2, 50), 1, 130, 7, 14));

  cases.push_back(Named("block sparse seeded", BlockSparse(2, 8, 2, kRandomModeSeeded), 2, 160, 16, 20));
  Case overlaps = Named("block sparse seeded, repeats and overlaps", BlockSparse(2, 8, 3, kRandomModeSeeded), 1, 200, 16, 21);
  overlaps.layout = LayoutKind::kAnything;
  cases.push_back(overlaps);
  cases.push_back(Named("block sparse hf_eval", BlockSparse(2, 8, 3, kRandomModeHfEval), 2, 200, 16, 22));
  cases.push_back(Named("block sparse, n not a multiple of b", BlockSparse(2, 8, 2, kRandomModeSeeded), 1, 157, 16, 23));
  cases.push_back(Named("block sparse hf_eval, n % b != 0", BlockSparse(2, 8, 1, kRandomModeHfEval), 1, 61, 16, 24));
  cases.push_back(Named("block sparse fallback n = (5+2r)b", BlockSparse(2, 8, 2, kRandomModeSeeded), 1, 72, 16, 25));
  cases.push_back(Named("block sparse fallback n < (5+2r)b", BlockSparse(2, 8, 3, kRandomModeHfEval), 2, 30, 16, 26));
  cases.push_back(Named("block sparse r = 0", BlockSparse(2, 8, 0, kRandomModeSeeded), 1, 100, 16, 27));
  Case block_padding = Named("block sparse with padding", BlockSparse(2, 16, 2, kRandomModeSeeded), 2, 300, 16, 28);
  block_padding.lengths = {300, 190};
  cases.push_back(block_padding);
  cases.push_back(Named("block 64, head dim 64 (BigBird shape)", BlockSparse(2, 64, 3, kRandomModeSeeded), 1, 1024, 64, 29));
  cases.push_back(Named("block 40 (tiles straddle nothing)", BlockSparse(1, 40, 1, kRandomModeHfEval), 1, 450, 24, 30));
  return cases;
}

// Random shapes, patterns and options, small enough for the O(n²) reference.
std::vector<Case> SweepCases(int count) {
  std::mt19937 rng(20240611);
  auto pick = [&](int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(rng() % static_cast<uint32_t>(hi - lo + 1)); };
  std::vector<Case> cases;
  for (int k = 0; k < count; ++k) {
    Case c;
    const int64_t heads = pick(1, 3);
    c.batch = pick(1, 2);
    c.n = pick(1, 260);
    c.head_dim = std::vector<int64_t>{8, 16, 32, 64, 12}[rng() % 5];
    c.seed = rng();
    if (rng() % 2 == 0) {
      std::vector<int64_t> dilation;
      for (int64_t h = 0; h < heads; ++h) dilation.push_back(rng() % 3 == 0 ? pick(2, 4) : 1);
      c.attributes = SlidingWindow(heads, pick(1, 80), dilation);
      c.global_fraction = rng() % 3 == 0 ? 0.05 * pick(0, 4) : 0;
      c.first_global = rng() % 2 == 0;
      c.global_projections = rng() % 3 == 0;
    } else {
      const int64_t block = pick(1, 24), r = pick(0, 3);
      const bool seeded = rng() % 2 == 0;
      c.attributes = BlockSparse(heads, block, r, seeded ? kRandomModeSeeded : kRandomModeHfEval);
      c.layout = rng() % 2 == 0 ? LayoutKind::kOutsideFixed : LayoutKind::kAnything;
    }
    if (rng() % 3 == 0) {
      for (int64_t b = 0; b < c.batch; ++b) c.lengths.push_back(pick(0, c.n));
    }
    c.name = "sweep " + std::to_string(k) + " (n=" + std::to_string(c.n) + ")";
    cases.push_back(c);
  }
  return cases;
}

// ---- validation ------------------------------------------------------------------------------------------------
template <typename F>
void ExpectInvalid(const char* what, F&& f, const std::string& fragment) {
  try {
    f();
    EXPECT(false, "%s: expected an error mentioning [%s]", what, fragment.c_str());
  } catch (const std::invalid_argument& e) {
    EXPECT(std::string(e.what()).find(fragment) != std::string::npos, "%s: message [%s] lacks [%s]", what, e.what(), fragment.c_str());
  }
}

void TestAttributeErrors() {
  auto parse = [](RawAttributes raw) { return [raw] { ParseAttributes(raw); }; };
  RawAttributes raw = SlidingWindow(2, 4);
  raw.num_heads.reset();
  ExpectInvalid("missing num_heads", parse(raw), "attribute [num_heads] is required");
  ExpectInvalid("num_heads 0", parse(SlidingWindow(0, 4)), "attribute [num_heads] must be at least 1, got: 0");
  raw = SlidingWindow(2, 4);
  raw.pattern = std::string("dense");
  ExpectInvalid("unknown pattern", parse(raw), "attribute [pattern] must be [sliding_window] or [block_sparse], got: [dense]");
  raw.pattern.reset();
  ExpectInvalid("missing pattern", parse(raw), "attribute [pattern] is required");
  ExpectInvalid("window 0", parse(SlidingWindow(2, 0)), "attribute [window] must be at least 1, got: 0");
  ExpectInvalid("negative window", parse(SlidingWindow(2, -3)), "attribute [window] must be at least 1, got: -3");
  raw = SlidingWindow(2, 4);
  raw.window.reset();
  ExpectInvalid("missing window", parse(raw), "attribute [window] is required");
  ExpectInvalid("dilation 0", parse(SlidingWindow(2, 4, {1, 0})), "attribute [dilation] must be at least 1 for every head, got: 0 for head 1");
  ExpectInvalid("dilation per head", parse(SlidingWindow(2, 4, {1, 2, 3})), "attribute [dilation] needs one value per head: 2 heads, got 3");
  raw = SlidingWindow(2, 4);
  raw.block_size = 8;
  ExpectInvalid("block_size on a window", parse(raw), "attribute [block_size] does not apply to pattern [sliding_window]");
  ExpectInvalid("block_size 0", parse(BlockSparse(2, 0, 3, kRandomModeSeeded)), "attribute [block_size] must be at least 1, got: 0");
  ExpectInvalid("random_blocks -1", parse(BlockSparse(2, 8, -1, kRandomModeSeeded)), "attribute [random_blocks] must be in [0, 64], got: -1");
  ExpectInvalid("random_blocks 65", parse(BlockSparse(2, 8, 65, kRandomModeSeeded)), "attribute [random_blocks] must be in [0, 64], got: 65");
  ExpectInvalid("random_mode", parse(BlockSparse(2, 8, 3, "train")), "attribute [random_mode] must be [seeded] or [hf_eval], got: [train]");
  raw = BlockSparse(2, 8, 3, kRandomModeSeeded);
  raw.random_mode.reset();
  ExpectInvalid("missing random_mode", parse(raw), "attribute [random_mode] is required for pattern [block_sparse]");
  raw = BlockSparse(2, 8, 3, kRandomModeSeeded);
  raw.window = 3;
  ExpectInvalid("window on block sparse", parse(raw), "attribute [window] does not apply to pattern [block_sparse]");
}

void TestShapeErrors() {
  Case c = Named("shapes", SlidingWindow(2, 4), 2, 10, 8, 1);
  c.first_global = true;
  const Tensors good = MakeTensors(c);
  auto shapes_with = [&](int input, std::optional<Shape> shape) {
    InputShapes shapes = good.shapes;
    shapes[input] = std::move(shape);
    return [config = good.config, shapes] { ValidateShapes(config, shapes); };
  };
  ExpectInvalid("rank", shapes_with(kQuery, Shape{20, 16}), "input [query] must have rank 3 [batch, n, hidden], got [20, 16]");
  ExpectInvalid("key n", shapes_with(kKey, Shape{2, 9, 16}), "input [key] must have shape [batch, n, hidden] like [query] = [2, 10, 16], got [2, 9, 16]");
  ExpectInvalid("value batch", shapes_with(kValue, Shape{1, 10, 16}), "input [value] must have shape");
  ExpectInvalid("mask length", shapes_with(kAttentionMask, Shape{2, 11}), "input [attention_mask] must have shape [batch, n] = [2, 10], got [2, 11]");
  ExpectInvalid("mask missing", shapes_with(kAttentionMask, std::nullopt), "input [attention_mask] is required");
  ExpectInvalid("global mask", shapes_with(kGlobalAttentionMask, Shape{2, 10, 1}), "input [global_attention_mask] must have shape [batch, n]");
  ExpectInvalid("2 of 3 global projections", shapes_with(kQueryGlobal, Shape{2, 10, 16}), "come together or not at all, got 1 of them");
  ExpectInvalid("layout on a window", shapes_with(kRandomBlockLayout, Shape{2, 1, 3}), "input [random_block_layout] does not apply to pattern [sliding_window]");
  {
    InputShapes shapes = good.shapes;
    for (int input : {kQuery, kKey, kValue}) shapes[input] = Shape{2, 10, 15};
    ExpectInvalid("hidden % heads", [&] { ValidateShapes(good.config, shapes); }, "hidden size 15 must be a positive multiple of attribute [num_heads] = 2");
  }

  Case block = Named("block shapes", BlockSparse(2, 8, 2, kRandomModeSeeded), 1, 100, 8, 2);
  const Tensors sparse = MakeTensors(block);
  auto sparse_with = [&](int input, std::optional<Shape> shape) {
    InputShapes shapes = sparse.shapes;
    shapes[input] = std::move(shape);
    return [config = sparse.config, shapes] { ValidateShapes(config, shapes); };
  };
  ExpectInvalid("layout shape", sparse_with(kRandomBlockLayout, Shape{2, 13, 3}),
                "input [random_block_layout] must have shape [num_heads, ceil(n / block_size) - 2, random_blocks] = [2, 11, 2], got [2, 13, 3]");
  ExpectInvalid("layout missing", sparse_with(kRandomBlockLayout, std::nullopt), "input [random_block_layout] is required with random_mode [seeded]");
  ExpectInvalid("global mask on block sparse", sparse_with(kGlobalAttentionMask, Shape{1, 100}),
                "input [global_attention_mask] does not apply to pattern [block_sparse]");
  Case hf = Named("hf shapes", BlockSparse(2, 8, 2, kRandomModeHfEval), 1, 100, 8, 3);
  const Tensors eval = MakeTensors(hf);
  InputShapes with_layout = eval.shapes;
  with_layout[kRandomBlockLayout] = Shape{2, 11, 2};
  ExpectInvalid("layout with hf_eval", [&] { ValidateShapes(eval.config, with_layout); }, "must be absent with random_mode [hf_eval]");
}

void TestValueErrors() {
  Case c = Named("values", SlidingWindow(2, 4), 2, 10, 8, 1);
  c.first_global = true;
  Tensors t = MakeTensors(c);
  t.mask[13] = 2;
  ExpectInvalid("mask value", [&] { ValidateMaskValues(t.mask.data(), t.problem, kAttentionMask); }, "input [attention_mask] must hold 0 or 1, got 2 at [1, 3]");
  t.global_mask[4] = -1;
  ExpectInvalid("global mask value", [&] { ValidateMaskValues(t.global_mask.data(), t.problem, kGlobalAttentionMask); },
                "input [global_attention_mask] must hold 0 or 1, got -1 at [0, 4]");

  Case block = Named("layout values", BlockSparse(2, 8, 2, kRandomModeSeeded), 1, 100, 8, 2);
  Tensors sparse = MakeTensors(block);
  sparse.layout[5] = 13;
  ExpectInvalid("layout value", [&] { ValidateLayoutValues(sparse.layout.data(), sparse.config, sparse.problem); },
                "input [random_block_layout] holds block indices in [0, 13), got 13 at [0, 2, 1]");
}

void TestEmpty() {
  for (int64_t batch : {0, 2}) {
    Case c = Named("empty", SlidingWindow(2, 4), batch, 0, 8, 1);
    Tensors t = MakeTensors(c);
    EXPECT(t.output.empty(), "n = 0 gives an empty output");
    cpu::SparseAttention(t.config, t.problem, t.Inputs(), cpu::SerialFor());  // must return without touching memory
  }
  Case block = Named("empty block", BlockSparse(1, 8, 3, kRandomModeHfEval), 1, 0, 8, 1);
  Tensors t = MakeTensors(block);
  cpu::SparseAttention(t.config, t.problem, t.Inputs(), cpu::SerialFor());
}

}  // namespace
}  // namespace test
}  // namespace longdoc

int main(int argc, char** argv) {
  using namespace longdoc::test;
  const int sweep = argc > 1 ? std::atoi(argv[1]) : 200;
  std::printf("tile kernels on this CPU:");
  for (const auto* kernels : Variants()) std::printf(" %s", kernels->name);
  std::printf("\nfixed cases:\n");
  double worst = 0;
  for (const Case& c : FixedCases()) worst = std::max(worst, CheckCase(c, true));
  double sweep_worst = 0;
  for (const Case& c : SweepCases(sweep)) sweep_worst = std::max(sweep_worst, CheckCase(c, false));
  std::printf("random sweep: %d cases, max abs diff %.2e\n", sweep, sweep_worst);
  TestAttributeErrors();
  TestShapeErrors();
  TestValueErrors();
  TestEmpty();
  std::printf("worst max abs diff %.2e (tolerance %.0e); %d failure(s)\n", std::max(worst, sweep_worst), kTolerance, Failures());
  return Failures() == 0 ? 0 : 1;
}
