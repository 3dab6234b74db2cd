#include "sparse_attention_cpu.h"

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "../common/attention_plan.h"

namespace longdoc {
namespace cpu {
namespace {

// Sliding windows narrower than this get 32-query tiles: the band a tile reads is columns + 2w keys wide, of which
// each query uses 2w + 1, so narrow windows waste less with narrow tiles.
constexpr int64_t kNarrowWindow = 48;
constexpr size_t kAlignment = 64;

enum class ItemKind : uint8_t {
  kWindow,         // sliding window: one tile of one residue class (a = tile index in plan::ClassTiling)
  kGlobalQueries,  // sliding window: global queries a .. a + columns of the batch's global list, against all keys
  kBlock,          // block sparse: query block a, rows b .. b + columns of it
  kDense,          // block sparse below the fallback length: rows a .. a + columns against all keys
};

struct WorkItem {
  ItemKind kind;
  int32_t batch;
  int32_t head;
  int64_t a;
  int64_t b;
};

// What the work item writes into each of its query rows.
enum class RowMode : uint8_t {
  kSkip,   // another item owns the row (a global query seen by a window tile)
  kZero,   // padding query
  kValue,  // attention result
};

struct QueryRows {
  int count = 0;  // used columns; the rest of the tile is zero
  int64_t position[kMaxQueryTile];
  RowMode mode[kMaxQueryTile];

  bool AnyValue() const {
    for (int t = 0; t < count; ++t) {
      if (mode[t] == RowMode::kValue) return true;
    }
    return false;
  }
};

// Per-thread scratch, grown on demand and kept for the thread's life (ORT's pool threads are long-lived).
class Scratch {
 public:
  ~Scratch() { std::free(buffer_); }

  // Carves a QueryTileState for the given head size out of the buffer; false if memory is short.
  bool Prepare(int head_dim, int columns, QueryTileState* state) {
    const size_t tile = static_cast<size_t>(head_dim) * kMaxQueryTile;
    const size_t floats = 2 * tile + static_cast<size_t>(kMaxKeyTile) * kMaxQueryTile + 3 * kMaxQueryTile;
    if (floats > capacity_) {
      std::free(buffer_);
      capacity_ = 0;
      buffer_ = static_cast<float*>(std::aligned_alloc(kAlignment, (floats * sizeof(float) + kAlignment - 1) / kAlignment * kAlignment));
      if (buffer_ == nullptr) return false;
      capacity_ = floats;
    }
    state->columns = columns;
    state->head_dim = head_dim;
    state->qt = buffer_;
    state->acc = state->qt + tile;
    state->scores = state->acc + tile;
    state->max = state->scores + static_cast<size_t>(kMaxKeyTile) * kMaxQueryTile;
    state->sum = state->max + kMaxQueryTile;
    state->alpha = state->sum + kMaxQueryTile;
    return true;
  }

  KeyTile keys;
  QueryRows rows;

 private:
  float* buffer_ = nullptr;
  size_t capacity_ = 0;
};

thread_local Scratch t_scratch;

// Asks for one head's slice of a row (head_dim floats, a few cache lines) ahead of its use: into L1 as keys are
// collected for a step (most come from L2, the previous tiles' bands), and all of a tile's queries at once. A hint
// only: it never faults, whatever the address.
template <int kLocality>
inline void Prefetch(const float* row, int64_t floats) {
  for (int64_t i = 0; i < floats; i += 64 / sizeof(float)) __builtin_prefetch(row + i, 0, kLocality);
  __builtin_prefetch(row + floats - 1, 0, kLocality);  // the last line, when the slice does not start on one
}

// Collects keys into tiles and folds each full tile into the query state. `expected` is at least the number of keys
// the caller will add (padding makes it fewer): a tile takes up to kKeyTileSlack keys beyond kKeyTile when no more
// than that many are still to come, rather than leaving them a step of their own.
class KeyFeeder {
 public:
  KeyFeeder(KeyTile& tile, QueryTileState& state, const TileKernels& kernels, int64_t expected)
      : tile_(tile), state_(state), kernels_(kernels), remaining_(expected) {
    Reset();
  }

  void Add(const float* key, const float* value, float bias, int lo, int hi, int xlo, int xhi) {
    Prefetch<3>(key, state_.head_dim);
    Prefetch<3>(value, state_.head_dim);
    const int i = tile_.count++;
    tile_.k[i] = key;
    tile_.v[i] = value;
    tile_.bias[i] = bias;
    tile_.lo[i] = lo;
    tile_.hi[i] = hi;
    tile_.xlo[i] = xlo;
    tile_.xhi[i] = xhi;
    if (lo > 0 || hi < state_.columns || xlo < xhi) tile_.ranged = true;
    if (bias != 0.0f) tile_.biased = true;
    --remaining_;
    if (tile_.count == kMaxKeyTile || (tile_.count >= kKeyTile && remaining_ > kMaxKeyTile - tile_.count)) Flush();
  }

  void AddAll(const float* key, const float* value, float bias) { Add(key, value, bias, 0, state_.columns, 0, 0); }

  void Flush() {
    if (tile_.count > 0) kernels_.attend(tile_, state_);
    Reset();
  }

 private:
  void Reset() {
    tile_.count = 0;
    tile_.ranged = false;
    tile_.biased = false;
  }

  KeyTile& tile_;
  QueryTileState& state_;
  const TileKernels& kernels_;
  int64_t remaining_;
};

class Runner {
 public:
  Runner(const AttentionConfig& config, const Problem& problem, const AttentionInputs& in, const TileKernels& kernels)
      : config_(config), p_(problem), in_(in), kernels_(kernels), scale_(1.4426950408889634f / std::sqrt(static_cast<float>(problem.head_dim))) {
    if (config.pattern == Pattern::kSlidingWindow) {
      PlanSlidingWindow();
    } else {
      PlanBlockSparse();
    }
  }

  size_t size() const { return items_.size(); }
  bool failed() const { return failed_.load(std::memory_order_relaxed); }

  static void RunItem(void* context, size_t index) {
    auto* self = static_cast<Runner*>(context);
    if (self->failed()) return;
    try {
      self->Run(self->items_[index]);
    } catch (...) {
      // Nothing in Run throws today; this keeps ORT's thread pool (a C boundary) exception-free if that changes.
      self->failed_.store(true, std::memory_order_relaxed);
    }
  }

 private:
  // ---- planning ----------------------------------------------------------------------------------------------
  void PlanSlidingWindow() {
    window_columns_ = config_.window < kNarrowWindow ? 32 : kMaxQueryTile;
    globals_.resize(static_cast<size_t>(p_.batch));
    if (in_.global_mask != nullptr) {
      for (int64_t b = 0; b < p_.batch; ++b) {
        for (int64_t i = 0; i < p_.n; ++i) {
          if (IsGlobal(b, i)) globals_[b].push_back(i);
        }
      }
    }
    // Global queries read every key: schedule them first so they do not straggle at the end.
    for (int64_t b = 0; b < p_.batch; ++b) {
      for (int64_t head = 0; head < p_.heads; ++head) {
        for (size_t a = 0; a < globals_[b].size(); a += kMaxQueryTile) Push(ItemKind::kGlobalQueries, b, head, static_cast<int64_t>(a), 0);
      }
    }
    window_ = plan::EffectiveExtent(config_.window, p_.n);
    dilation_.resize(static_cast<size_t>(p_.heads));
    tilings_.resize(static_cast<size_t>(p_.heads));
    for (int64_t head = 0; head < p_.heads; ++head) {
      dilation_[head] = plan::EffectiveExtent(config_.dilation[head], p_.n);
      tilings_[head] = plan::TileClasses(p_.n, dilation_[head], window_columns_);
    }
    int64_t most = 0;
    for (int64_t head = 0; head < p_.heads; ++head) most = plan::Max64(most, plan::ClassTileCount(tilings_[head]));
    for (int64_t b = 0; b < p_.batch; ++b) {
      for (int64_t t = 0; t < most; ++t) {
        for (int64_t head = 0; head < p_.heads; ++head) {
          if (t < plan::ClassTileCount(tilings_[head])) Push(ItemKind::kWindow, b, head, t, 0);
        }
      }
    }
  }

  void PlanBlockSparse() {
    const int64_t block = config_.block_size;
    block_columns_ = block <= 32 ? 32 : kMaxQueryTile;
    for (int64_t b = 0; b < p_.batch; ++b) {
      for (int64_t head = 0; head < p_.heads; ++head) {
        if (p_.full_attention) {
          for (int64_t row = 0; row < p_.n; row += kMaxQueryTile) Push(ItemKind::kDense, b, head, row, 0);
          continue;
        }
        for (int64_t q = 0; q < p_.num_blocks; ++q) {
          const int64_t rows = plan::Min64(block, p_.n - q * block);
          for (int64_t first = 0; first < rows; first += block_columns_) Push(ItemKind::kBlock, b, head, q, first);
        }
      }
    }
  }

  void Push(ItemKind kind, int64_t batch, int64_t head, int64_t a, int64_t b) {
    items_.push_back(WorkItem{kind, static_cast<int32_t>(batch), static_cast<int32_t>(head), a, b});
  }

  // ---- helpers -----------------------------------------------------------------------------------------------
  bool IsToken(int64_t b, int64_t i) const { return in_.attention_mask[b * p_.n + i] != 0; }
  bool IsGlobal(int64_t b, int64_t i) const {
    return in_.global_mask != nullptr && in_.global_mask[b * p_.n + i] != 0 && IsToken(b, i);
  }
  const float* Row(const float* tensor, int64_t b, int64_t i, int64_t head) const {
    return tensor + (b * p_.n + i) * p_.hidden + head * p_.head_dim;
  }

  void LoadQueries(const float* query, int64_t b, int64_t head, const QueryRows& rows, QueryTileState& st) const {
    const int columns = st.columns;
    const size_t tile = static_cast<size_t>(st.head_dim) * columns;
    std::memset(st.qt, 0, tile * sizeof(float));
    std::memset(st.acc, 0, tile * sizeof(float));
    for (int t = 0; t < columns; ++t) {
      st.max[t] = -INFINITY;
      st.sum[t] = 0.0f;
    }
    for (int t = 0; t < rows.count; ++t) {
      if (rows.mode[t] != RowMode::kValue) continue;
      const float* src = Row(query, b, rows.position[t], head);
      for (int c = 0; c < st.head_dim; ++c) st.qt[c * columns + t] = src[c] * scale_;
    }
  }

  void Store(int64_t b, int64_t head, const QueryRows& rows, const QueryTileState* st) const {
    for (int t = 0; t < rows.count; ++t) {
      if (rows.mode[t] == RowMode::kSkip) continue;
      float* dst = in_.output + (b * p_.n + rows.position[t]) * p_.hidden + head * p_.head_dim;
      if (rows.mode[t] == RowMode::kZero || st == nullptr) {
        std::memset(dst, 0, static_cast<size_t>(p_.head_dim) * sizeof(float));
        continue;
      }
      // A token always sees at least itself, so sum > 0; the guard only keeps a broken input from dividing by 0.
      const float inverse = st->sum[t] > 0.0f ? 1.0f / st->sum[t] : 0.0f;
      for (int c = 0; c < p_.head_dim; ++c) dst[c] = st->acc[c * st->columns + t] * inverse;
    }
  }

  // Every non-padding key of the sequence, all columns allowed.
  void FeedAllKeys(KeyFeeder& feeder, int64_t b, int64_t head, const float* key, const float* value) const {
    for (int64_t j = 0; j < p_.n; ++j) {
      if (IsToken(b, j)) feeder.AddAll(Row(key, b, j, head), Row(value, b, j, head), 0.0f);
    }
  }

  // ---- work items --------------------------------------------------------------------------------------------
  void Run(const WorkItem& item) {
    Scratch& scratch = t_scratch;
    QueryRows& rows = scratch.rows;
    QueryTileState st;
    int columns = kMaxQueryTile;
    if (item.kind == ItemKind::kWindow) columns = window_columns_;
    if (item.kind == ItemKind::kBlock) columns = block_columns_;
    if (item.kind == ItemKind::kGlobalQueries) {
      // Each global query reads every key: a tile no wider than the queries it holds ([CLS] alone: 16, not 64).
      const int64_t queries = static_cast<int64_t>(globals_[item.batch].size()) - item.a;
      columns = queries <= kMinQueryTile ? kMinQueryTile : queries <= 32 ? 32 : kMaxQueryTile;
    }
    if (!scratch.Prepare(static_cast<int>(p_.head_dim), columns, &st)) {
      failed_.store(true, std::memory_order_relaxed);
      return;
    }
    switch (item.kind) {
      case ItemKind::kWindow: RunWindow(item, rows, st, scratch.keys); break;
      case ItemKind::kGlobalQueries: RunGlobalQueries(item, rows, st, scratch.keys); break;
      case ItemKind::kBlock: RunBlock(item, rows, st, scratch.keys); break;
      case ItemKind::kDense: RunDense(item, rows, st, scratch.keys); break;
    }
  }

  void RunWindow(const WorkItem& item, QueryRows& rows, QueryTileState& st, KeyTile& tile) {
    const int64_t b = item.batch, head = item.head, w = window_, d = dilation_[head];
    int64_t cls, first;
    plan::ClassTileAt(tilings_[head], item.a, st.columns, &cls, &first);
    const int64_t members = plan::ClassSize(p_.n, d, cls);
    rows.count = static_cast<int>(plan::Min64(st.columns, members - first));
    for (int t = 0; t < rows.count; ++t) {
      const int64_t i = cls + (first + t) * d;
      rows.position[t] = i;
      rows.mode[t] = !IsToken(b, i) ? RowMode::kZero : IsGlobal(b, i) ? RowMode::kSkip : RowMode::kValue;
    }
    if (!rows.AnyValue()) {
      Store(b, head, rows, nullptr);
      return;
    }
    // The band: members first - w .. first + count - 1 + w of the class.
    const int64_t band_first = plan::Max64(0, first - w);
    const int64_t last = plan::Min64(members - 1, first + rows.count - 1 + w);
    // All of the tile's query rows at once: the transposing loads below would wait for them one by one.
    for (int t = 0; t < rows.count; ++t) Prefetch<3>(Row(in_.query, b, rows.position[t], head), p_.head_dim);
    LoadQueries(in_.query, b, head, rows, st);
    KeyFeeder feeder(tile, st, kernels_, last - band_first + 1 + static_cast<int64_t>(globals_[b].size()));
    // The global keys go in where the band is allowed for every column, so that they do not widen the key ranges of
    // the band's two ranged ends (see tile_kernels_impl.h); at the end if the band has no such key.
    bool globals_fed = false;
    for (int64_t m = band_first; m <= last; ++m) {
      const int64_t j = cls + m * d;
      if (!IsToken(b, j)) continue;
      int lo, hi;
      plan::BandColumns(m, first, w, st.columns, &lo, &hi);
      if (!globals_fed && lo == 0 && hi == st.columns) {
        FeedGlobalKeys(feeder, b, head, cls, first, rows.count, st.columns);
        globals_fed = true;
      }
      feeder.Add(Row(in_.key, b, j, head), Row(in_.value, b, j, head), 0.0f, lo, hi, 0, 0);
    }
    if (!globals_fed) FeedGlobalKeys(feeder, b, head, cls, first, rows.count, st.columns);
    feeder.Flush();
    Store(b, head, rows, &st);
  }

  // Global keys for a window tile of class `cls` starting at member `first`, except for the queries whose band
  // already holds them (a global key counts once).
  void FeedGlobalKeys(KeyFeeder& feeder, int64_t b, int64_t head, int64_t cls, int64_t first, int count, int columns) const {
    const int64_t w = window_, d = dilation_[head];
    for (int64_t g : globals_[b]) {
      int xlo = 0, xhi = 0;
      if ((g - cls) % d == 0) {
        plan::BandColumns((g - cls) / d, first, w, columns, &xlo, &xhi);
        if (xlo >= xhi) {
          xlo = xhi = 0;
        } else if (xlo == 0 && xhi >= count) {
          continue;  // inside every query's band of this tile
        }
      }
      feeder.Add(Row(in_.key, b, g, head), Row(in_.value, b, g, head), 0.0f, 0, columns, xlo, xhi);
    }
  }

  void RunGlobalQueries(const WorkItem& item, QueryRows& rows, QueryTileState& st, KeyTile& tile) {
    const int64_t b = item.batch, head = item.head;
    const std::vector<int64_t>& globals = globals_[b];
    rows.count = static_cast<int>(plan::Min64(st.columns, static_cast<int64_t>(globals.size()) - item.a));
    for (int t = 0; t < rows.count; ++t) {
      rows.position[t] = globals[item.a + t];
      rows.mode[t] = RowMode::kValue;
    }
    const bool projected = in_.query_global != nullptr;
    LoadQueries(projected ? in_.query_global : in_.query, b, head, rows, st);
    KeyFeeder feeder(tile, st, kernels_, p_.n);
    FeedAllKeys(feeder, b, head, projected ? in_.key_global : in_.key, projected ? in_.value_global : in_.value);
    feeder.Flush();
    Store(b, head, rows, &st);
  }

  void RunDense(const WorkItem& item, QueryRows& rows, QueryTileState& st, KeyTile& tile) {
    SetRows(item.batch, item.a, plan::Min64(st.columns, p_.n - item.a), rows);
    if (!rows.AnyValue()) {
      Store(item.batch, item.head, rows, nullptr);
      return;
    }
    LoadQueries(in_.query, item.batch, item.head, rows, st);
    KeyFeeder feeder(tile, st, kernels_, p_.n);
    FeedAllKeys(feeder, item.batch, item.head, in_.key, in_.value);
    feeder.Flush();
    Store(item.batch, item.head, rows, &st);
  }

  void RunBlock(const WorkItem& item, QueryRows& rows, QueryTileState& st, KeyTile& tile) {
    const int64_t b = item.batch, head = item.head, q = item.a, block = config_.block_size, blocks = p_.num_blocks;
    const int64_t start = q * block + item.b;
    const int64_t end = plan::Min64(q * block + block, p_.n);
    SetRows(b, start, plan::Min64(st.columns, end - start), rows);
    if (!rows.AnyValue()) {
      Store(b, head, rows, nullptr);
      return;
    }
    LoadQueries(in_.query, b, head, rows, st);
    // Up to 5 + r blocks of keys, fewer with repeats: an upper bound is all the feeder needs.
    KeyFeeder feeder(tile, st, kernels_, (q == 0 || q == blocks - 1) ? p_.n : (5 + config_.random_blocks) * block);
    if (q == 0 || q == blocks - 1) {
      FeedAllKeys(feeder, b, head, in_.key, in_.value);  // global query blocks
    } else {
      plan::KeyBlock key_blocks[plan::kMaxKeyBlocks];
      const int64_t r = config_.random_blocks;
      const int64_t* random = p_.reads_layout ? in_.layout + (head * (blocks - 2) + (q - 1)) * r : nullptr;
      const int count = plan::MiddleKeyBlocks(q, blocks, r, random, key_blocks);
      for (int k = 0; k < count; ++k) {
        // A block listed m times enters the softmax m times: 2^(s + log2 m) = m·2^s (scores are in base 2).
        const float bias = std::log2(static_cast<float>(key_blocks[k].multiplicity));
        const int64_t key_end = plan::Min64((key_blocks[k].block + 1) * block, p_.n);
        for (int64_t j = key_blocks[k].block * block; j < key_end; ++j) {
          if (IsToken(b, j)) feeder.AddAll(Row(in_.key, b, j, head), Row(in_.value, b, j, head), bias);
        }
      }
    }
    feeder.Flush();
    Store(b, head, rows, &st);
  }

  void SetRows(int64_t b, int64_t start, int64_t count, QueryRows& rows) const {
    rows.count = static_cast<int>(count);
    for (int t = 0; t < rows.count; ++t) {
      rows.position[t] = start + t;
      rows.mode[t] = IsToken(b, start + t) ? RowMode::kValue : RowMode::kZero;
    }
  }

  const AttentionConfig& config_;
  const Problem& p_;
  const AttentionInputs& in_;
  const TileKernels& kernels_;
  const float scale_;  // log2(e)/sqrt(head_dim): the tile step's softmax takes 2^x (tile_kernels.h)
  int window_columns_ = kMaxQueryTile;
  int block_columns_ = kMaxQueryTile;
  std::vector<std::vector<int64_t>> globals_;  // per batch: positions of global tokens, ascending
  int64_t window_ = 0;                         // sliding window: w and d clamped to n (same meaning, no overflow)
  std::vector<int64_t> dilation_;
  std::vector<plan::ClassTiling> tilings_;     // per head (sliding window)
  std::vector<WorkItem> items_;
  std::atomic<bool> failed_{false};
};

}  // namespace

void SparseAttention(const AttentionConfig& config, const Problem& problem, const AttentionInputs& inputs,
                     const ParallelFor& parallel, const TileKernels& kernels) {
  if (problem.batch == 0 || problem.n == 0) return;
  Runner runner(config, problem, inputs, kernels);
  parallel.Run(runner.size(), &Runner::RunItem, &runner);
  if (runner.failed()) throw std::bad_alloc();
}

}  // namespace cpu
}  // namespace longdoc
