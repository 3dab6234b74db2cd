// CUDA kernels of longdoc.SparseAttention (fp32 and fp16 in, fp32 math).
//
// One thread block per (query tile of 32, head, batch entry): 4 warps × 8 queries. The block's thread 0 plans the
// tile with the same helpers as the CPU kernel (common/attention_plan.h): its query rows and a list of key segments
// (the band of a residue class, the global tokens, or plain position ranges with a multiplicity). Keys then stream
// through shared memory 32 at a time — lane j of every warp scores key j against the warp's 8 queries, the warp
// folds the 32 probabilities into its running (max, sum, Σp·v) with shuffles: an online softmax, nothing bigger than
// a 32 × 32 score tile ever exists.
#include "sparse_attention_cuda_impl.h"

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cmath>
#include <string>
#include <vector>

#include "../common/attention_plan.h"

namespace longdoc {
namespace cuda {
namespace {

constexpr int kWarps = 4;
constexpr int kThreads = kWarps * 32;
constexpr int kQueriesPerWarp = 8;
constexpr int kQueryTile = kWarps * kQueriesPerWarp;  // queries per thread block
constexpr int kKeyTile = 32;                          // keys per step: one per lane
constexpr int kMaxSegments = plan::kMaxKeyBlocks;
constexpr int kPrepareThreads = 256;
constexpr unsigned kFullMask = 0xffffffffu;
constexpr size_t kDefaultSharedLimit = 48 * 1024;

enum class Kind : int {
  kWindow,         // a tile of one residue class of the sliding window (+ the global keys)
  kGlobalQueries,  // a tile of the batch entry's global queries against every key
  kBlock,          // a tile of one BigBird query block
  kDense,          // block sparse below the fallback length: full attention
};

enum RowMode : int8_t { kSkip = 0, kZero = 1, kValue = 2 };
enum SegmentKind : int { kBand = 0, kGlobalList = 1, kRange = 2 };

struct Segment {
  int kind;
  float bias;     // log of the multiplicity
  int64_t start;  // kBand: first class member; kGlobalList: first list entry; kRange: first position
  int64_t count;
};

struct TilePlan {
  int rows;  // 0: nothing to do
  int segments;
  int64_t cls, first, dilation;  // kWindow: residue class, its first member in the tile, d
  int64_t position[kQueryTile];
  int8_t mode[kQueryTile];
  Segment segment[kMaxSegments];
};

// The first offending flat index of each checked input, kNone when all values are fine.
constexpr unsigned long long kNone = ~0ull;
struct Verdict {
  unsigned long long attention_mask;
  unsigned long long global_mask;
  unsigned long long layout;
};

template <typename T>
struct Params {
  int64_t n, hidden, head_dim;
  int64_t window;
  const int* dilation;  // [heads]
  int64_t block, num_blocks, random_blocks;
  const T* query;  // the projections this launch reads (the global ones for Kind::kGlobalQueries)
  const T* key;
  const T* value;
  const int64_t* mask;
  const int64_t* global_mask;  // nullptr: no global tokens
  const int64_t* layout;       // nullptr: hf_eval (or not read)
  const int* globals;          // [batch, n]: positions of global tokens, compacted
  const int* global_counts;    // [batch]
  T* output;
  float scale;
};

__device__ __forceinline__ float ToFloat(float x) { return x; }
__device__ __forceinline__ float ToFloat(__half x) { return __half2float(x); }
template <typename T>
__device__ __forceinline__ T FromFloat(float x);
template <>
__device__ __forceinline__ float FromFloat<float>(float x) { return x; }
template <>
__device__ __forceinline__ __half FromFloat<__half>(float x) { return __float2half_rn(x); }

__device__ __forceinline__ float WarpMax(float x) {
  for (int offset = 16; offset > 0; offset /= 2) x = fmaxf(x, __shfl_xor_sync(kFullMask, x, offset));
  return x;
}

__device__ __forceinline__ float WarpSum(float x) {
  for (int offset = 16; offset > 0; offset /= 2) x += __shfl_xor_sync(kFullMask, x, offset);
  return x;
}

// ---- planning (thread 0 of a block) ---------------------------------------------------------------------------

template <typename T>
__device__ void AddRange(const Params<T>& p, TilePlan& plan, int64_t start, int64_t end, float bias) {
  plan.segment[plan.segments++] = Segment{kRange, bias, start, end - start};
}

template <typename T>
__device__ void SetRows(const Params<T>& p, TilePlan& plan, int64_t b, int64_t start, int64_t count) {
  plan.rows = static_cast<int>(count);
  for (int t = 0; t < plan.rows; ++t) {
    plan.position[t] = start + t;
    plan.mode[t] = p.mask[b * p.n + start + t] != 0 ? kValue : kZero;
  }
}

template <typename T>
__device__ void PlanTile(const Params<T>& p, Kind kind, int64_t b, int64_t head, int64_t tile, TilePlan& plan) {
  plan.rows = 0;
  plan.segments = 0;
  switch (kind) {
    case Kind::kWindow: {
      const int64_t d = p.dilation[head];
      const plan::ClassTiling tiling = plan::TileClasses(p.n, d, kQueryTile);
      if (tile >= plan::ClassTileCount(tiling)) return;
      int64_t cls, first;
      plan::ClassTileAt(tiling, tile, kQueryTile, &cls, &first);
      const int64_t members = plan::ClassSize(p.n, d, cls);
      plan.rows = static_cast<int>(plan::Min64(kQueryTile, members - first));
      plan.cls = cls;
      plan.first = first;
      plan.dilation = d;
      for (int t = 0; t < plan.rows; ++t) {
        const int64_t i = cls + (first + t) * d;
        const bool token = p.mask[b * p.n + i] != 0;
        const bool global = token && p.global_mask != nullptr && p.global_mask[b * p.n + i] != 0;
        plan.position[t] = i;
        plan.mode[t] = !token ? kZero : global ? kSkip : kValue;
      }
      const int64_t lo = plan::Max64(0, first - p.window);
      const int64_t hi = plan::Min64(members - 1, first + plan.rows - 1 + p.window);
      plan.segment[plan.segments++] = Segment{kBand, 0.0f, lo, hi - lo + 1};
      if (p.global_mask != nullptr) plan.segment[plan.segments++] = Segment{kGlobalList, 0.0f, 0, p.global_counts[b]};
      return;
    }
    case Kind::kGlobalQueries: {
      const int64_t start = tile * kQueryTile;
      const int64_t count = p.global_counts[b];
      if (start >= count) return;
      plan.rows = static_cast<int>(plan::Min64(kQueryTile, count - start));
      for (int t = 0; t < plan.rows; ++t) {
        plan.position[t] = p.globals[b * p.n + start + t];
        plan.mode[t] = kValue;
      }
      AddRange(p, plan, 0, p.n, 0.0f);
      return;
    }
    case Kind::kDense: {
      const int64_t start = tile * kQueryTile;
      if (start >= p.n) return;
      SetRows(p, plan, b, start, plan::Min64(kQueryTile, p.n - start));
      AddRange(p, plan, 0, p.n, 0.0f);
      return;
    }
    case Kind::kBlock: {
      const int64_t per_block = plan::CeilDiv(p.block, kQueryTile);
      const int64_t q = tile / per_block;
      const int64_t start = q * p.block + (tile % per_block) * kQueryTile;
      const int64_t end = plan::Min64(q * p.block + p.block, p.n);
      if (q >= p.num_blocks || start >= end) return;
      SetRows(p, plan, b, start, plan::Min64(kQueryTile, end - start));
      if (q == 0 || q == p.num_blocks - 1) {
        AddRange(p, plan, 0, p.n, 0.0f);  // the global blocks see every key
        return;
      }
      plan::KeyBlock blocks[plan::kMaxKeyBlocks];
      const int64_t* random = p.layout == nullptr ? nullptr : p.layout + (head * (p.num_blocks - 2) + (q - 1)) * p.random_blocks;
      const int count = plan::MiddleKeyBlocks(q, p.num_blocks, p.random_blocks, random, blocks);
      for (int k = 0; k < count; ++k) {
        // A block listed m times enters the softmax m times: exp(s + log m) = m·exp(s).
        const int64_t key_start = blocks[k].block * p.block;
        AddRange(p, plan, key_start, plan::Min64(key_start + p.block, p.n), logf(static_cast<float>(blocks[k].multiplicity)));
      }
      return;
    }
  }
}

// Key `index` of a segment: its position (-1: absent or never allowed) and the query columns that may see it,
// [lo, hi) minus [xlo, xhi).
template <typename T>
__device__ void DescribeKey(const Params<T>& p, const TilePlan& plan, const Segment& seg, int64_t b, int64_t index, bool present,
                            int64_t* position, int* lo, int* hi, int* xlo, int* xhi) {
  *position = -1;
  *lo = *hi = *xlo = *xhi = 0;
  if (!present) return;
  int64_t pos = 0;
  switch (seg.kind) {
    case kBand: {
      const int64_t m = seg.start + index;
      pos = plan.cls + m * plan.dilation;
      plan::BandColumns(m, plan.first, p.window, kQueryTile, lo, hi);
      break;
    }
    case kGlobalList: {
      pos = p.globals[b * p.n + seg.start + index];
      *hi = kQueryTile;
      // Queries whose band already holds this global key do not count it again.
      const int64_t offset = pos - plan.cls;
      if (offset % plan.dilation == 0) plan::BandColumns(offset / plan.dilation, plan.first, p.window, kQueryTile, xlo, xhi);
      break;
    }
    default:
      pos = seg.start + index;
      *hi = kQueryTile;
      break;
  }
  if (p.mask[b * p.n + pos] == 0 || *lo >= *hi) {
    *lo = *hi = 0;  // padding keys are never attended
    return;
  }
  *position = pos;
}

// ---- the attention kernel -------------------------------------------------------------------------------------

template <typename T, int kDimsPerLane>
__global__ void __launch_bounds__(kThreads) AttentionKernel(Params<T> p, Kind kind) {
  extern __shared__ float shared[];
  __shared__ TilePlan plan;
  __shared__ int64_t key_position[kKeyTile];
  __shared__ float key_bias[kKeyTile];
  __shared__ int key_lo[kKeyTile], key_hi[kKeyTile], key_xlo[kKeyTile], key_xhi[kKeyTile];

  const int64_t b = blockIdx.z, head = blockIdx.y, tile = blockIdx.x;
  const int h = static_cast<int>(p.head_dim);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (threadIdx.x == 0) PlanTile(p, kind, b, head, tile, plan);
  __syncthreads();
  if (plan.rows == 0) return;  // uniform: every thread reads the same plan

  bool any_value = false;
  for (int t = 0; t < plan.rows; ++t) any_value = any_value || plan.mode[t] == kValue;
  if (!any_value) {
    for (int t = warp; t < plan.rows; t += kWarps) {
      if (plan.mode[t] != kZero) continue;
      T* dst = p.output + (b * p.n + plan.position[t]) * p.hidden + head * h;
      for (int c = lane; c < h; c += 32) dst[c] = FromFloat<T>(0.0f);
    }
    return;
  }

  // Odd row stride for K: lane j reads row j, so consecutive lanes hit different banks.
  const int k_stride = h | 1;
  float* qs = shared;                       // [kQueryTile][h], pre-scaled
  float* ks = qs + kQueryTile * h;          // [kKeyTile][k_stride]
  float* vs = ks + kKeyTile * k_stride;     // [kKeyTile][h]

  for (int idx = threadIdx.x; idx < kQueryTile * h; idx += kThreads) {
    const int t = idx / h, c = idx % h;
    float x = 0.0f;
    if (t < plan.rows && plan.mode[t] == kValue) x = ToFloat(p.query[(b * p.n + plan.position[t]) * p.hidden + head * h + c]) * p.scale;
    qs[idx] = x;
  }

  float run_max[kQueriesPerWarp], run_sum[kQueriesPerWarp], acc[kQueriesPerWarp][kDimsPerLane];
#pragma unroll
  for (int q = 0; q < kQueriesPerWarp; ++q) {
    run_max[q] = -INFINITY;
    run_sum[q] = 0.0f;
#pragma unroll
    for (int i = 0; i < kDimsPerLane; ++i) acc[q][i] = 0.0f;
  }

  for (int s = 0; s < plan.segments; ++s) {
    const Segment seg = plan.segment[s];
    for (int64_t base = 0; base < seg.count; base += kKeyTile) {
      const int keys = static_cast<int>(plan::Min64(kKeyTile, seg.count - base));
      __syncthreads();  // the previous tile is consumed (and, the first time, the query tile is stored)
      if (threadIdx.x < kKeyTile) {
        const int j = threadIdx.x;
        DescribeKey(p, plan, seg, b, base + j, j < keys, &key_position[j], &key_lo[j], &key_hi[j], &key_xlo[j], &key_xhi[j]);
        key_bias[j] = seg.bias;
      }
      __syncthreads();
      for (int idx = threadIdx.x; idx < kKeyTile * h; idx += kThreads) {
        const int j = idx / h, c = idx % h;
        const int64_t pos = key_position[j];
        float kx = 0.0f, vx = 0.0f;
        if (pos >= 0) {
          const int64_t offset = (b * p.n + pos) * p.hidden + head * h + c;
          kx = ToFloat(p.key[offset]);
          vx = ToFloat(p.value[offset]);
        }
        ks[j * k_stride + c] = kx;
        vs[j * h + c] = vx;
      }
      __syncthreads();

      // Lane `lane` scores key `lane` against the warp's queries.
      float score[kQueriesPerWarp];
#pragma unroll
      for (int q = 0; q < kQueriesPerWarp; ++q) score[q] = 0.0f;
      const float* krow = ks + lane * k_stride;
      const float* qrow = qs + warp * kQueriesPerWarp * h;
      for (int c = 0; c < h; ++c) {
        const float kc = krow[c];
#pragma unroll
        for (int q = 0; q < kQueriesPerWarp; ++q) score[q] = fmaf(qrow[q * h + c], kc, score[q]);
      }
      const int lo = key_lo[lane], hi = key_hi[lane], xlo = key_xlo[lane], xhi = key_xhi[lane];
      const float bias = key_bias[lane];
#pragma unroll
      for (int q = 0; q < kQueriesPerWarp; ++q) {
        const int t = warp * kQueriesPerWarp + q;
        const bool allowed = t >= lo && t < hi && !(t >= xlo && t < xhi);
        const float x = allowed ? score[q] + bias : -INFINITY;
        const float new_max = fmaxf(run_max[q], WarpMax(x));
        const float shift = new_max == -INFINITY ? 0.0f : new_max;  // keeps exp free of inf - inf
        const float prob = __expf(x - shift);                         // 0 for x = -inf
        const float alpha = __expf(run_max[q] - shift);               // 0 while nothing was seen
        run_sum[q] = run_sum[q] * alpha + WarpSum(prob);
        run_max[q] = new_max;
#pragma unroll
        for (int i = 0; i < kDimsPerLane; ++i) acc[q][i] *= alpha;
        for (int j = 0; j < keys; ++j) {
          const float pj = __shfl_sync(kFullMask, prob, j);
          const float* vrow = vs + j * h;
#pragma unroll
          for (int i = 0; i < kDimsPerLane; ++i) {
            const int c = lane + 32 * i;
            if (c < h) acc[q][i] = fmaf(pj, vrow[c], acc[q][i]);
          }
        }
      }
    }
  }

#pragma unroll
  for (int q = 0; q < kQueriesPerWarp; ++q) {
    const int t = warp * kQueriesPerWarp + q;
    if (t >= plan.rows || plan.mode[t] == kSkip) continue;
    T* dst = p.output + (b * p.n + plan.position[t]) * p.hidden + head * h;
    // A token always sees itself, so the sum is positive for value rows; the guard only protects broken inputs.
    const bool value = plan.mode[t] == kValue && run_sum[q] > 0.0f;
    const float inverse = value ? 1.0f / run_sum[q] : 0.0f;
#pragma unroll
    for (int i = 0; i < kDimsPerLane; ++i) {
      const int c = lane + 32 * i;
      if (c < h) dst[c] = FromFloat<T>(value ? acc[q][i] * inverse : 0.0f);
    }
  }
}

// ---- value checks and the global-token lists ------------------------------------------------------------------

// One block per batch entry: checks the masks and compacts the positions of global tokens (sliding window).
__global__ void __launch_bounds__(kPrepareThreads)
    PrepareKernel(const int64_t* mask, const int64_t* global_mask, int64_t n, int* globals, int* global_counts, Verdict* verdict) {
  __shared__ int warp_counts[kPrepareThreads / 32];
  __shared__ int base;
  const int64_t b = blockIdx.x;
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (threadIdx.x == 0) base = 0;
  __syncthreads();
  for (int64_t start = 0; start < n; start += kPrepareThreads) {
    const int64_t i = start + threadIdx.x;
    bool is_global = false;
    if (i < n) {
      const int64_t m = mask[b * n + i];
      if (m != 0 && m != 1) atomicMin(&verdict->attention_mask, static_cast<unsigned long long>(b * n + i));
      if (global_mask != nullptr) {
        const int64_t g = global_mask[b * n + i];
        if (g != 0 && g != 1) atomicMin(&verdict->global_mask, static_cast<unsigned long long>(b * n + i));
        is_global = g != 0 && m != 0;
      }
    }
    if (global_mask == nullptr) continue;  // uniform across the block
    const unsigned ballot = __ballot_sync(kFullMask, is_global);
    if (lane == 0) warp_counts[warp] = __popc(ballot);
    __syncthreads();
    int offset = base;
    for (int w = 0; w < warp; ++w) offset += warp_counts[w];
    if (is_global) globals[b * n + offset + __popc(ballot & ((1u << lane) - 1u))] = static_cast<int>(i);
    __syncthreads();
    if (threadIdx.x == 0) {
      for (int w = 0; w < kPrepareThreads / 32; ++w) base += warp_counts[w];
    }
    __syncthreads();
  }
  if (threadIdx.x == 0 && global_mask != nullptr) global_counts[b] = base;
}

__global__ void CheckLayoutKernel(const int64_t* layout, int64_t count, int64_t num_blocks, Verdict* verdict) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < count; i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    if (layout[i] < 0 || layout[i] >= num_blocks) atomicMin(&verdict->layout, static_cast<unsigned long long>(i));
  }
}

// ---- host side ------------------------------------------------------------------------------------------------

std::string CudaError(const char* what, cudaError_t error) { return std::string(what) + ": " + cudaGetErrorString(error); }

template <typename T, int kDimsPerLane>
cudaError_t LaunchAttention(const Params<T>& p, Kind kind, dim3 grid, cudaStream_t stream) {
  const int h = static_cast<int>(p.head_dim);
  const size_t shared = sizeof(float) * (static_cast<size_t>(kQueryTile) * h + static_cast<size_t>(kKeyTile) * (h | 1) + static_cast<size_t>(kKeyTile) * h);
  auto kernel = AttentionKernel<T, kDimsPerLane>;
  if (shared > kDefaultSharedLimit) {
    if (cudaError_t e = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(shared))) return e;
  }
  kernel<<<grid, kThreads, shared, stream>>>(p, kind);
  return cudaGetLastError();
}

template <typename T>
cudaError_t Launch(const Params<T>& p, Kind kind, dim3 grid, cudaStream_t stream) {
  if (grid.x == 0) return cudaSuccess;
  if (p.head_dim <= 32) return LaunchAttention<T, 1>(p, kind, grid, stream);
  if (p.head_dim <= 64) return LaunchAttention<T, 2>(p, kind, grid, stream);
  if (p.head_dim <= 128) return LaunchAttention<T, 4>(p, kind, grid, stream);
  return LaunchAttention<T, 8>(p, kind, grid, stream);
}

std::string Index(unsigned long long flat, const std::vector<int64_t>& dims) {
  std::vector<int64_t> index(dims.size());
  for (size_t k = dims.size(); k-- > 0;) {
    index[k] = static_cast<int64_t>(flat % static_cast<unsigned long long>(dims[k]));
    flat /= static_cast<unsigned long long>(dims[k]);
  }
  return ShapeToString(index);
}

// Reads back one offending value (error path only: the stream is already synchronized).
int64_t ValueAt(const int64_t* tensor, unsigned long long index) {
  int64_t value = 0;
  cudaMemcpy(&value, tensor + index, sizeof(value), cudaMemcpyDeviceToHost);
  return value;
}

std::string DescribeVerdict(const Verdict& verdict, const AttentionConfig& config, const Problem& problem, const DeviceInputs& in) {
  const std::vector<int64_t> tokens{problem.batch, problem.n};
  if (verdict.attention_mask != kNone) {
    return std::string("input [") + kInputNames[kAttentionMask] + "] must hold 0 or 1, got " +
           std::to_string(ValueAt(in.attention_mask, verdict.attention_mask)) + " at " + Index(verdict.attention_mask, tokens);
  }
  if (verdict.global_mask != kNone) {
    return std::string("input [") + kInputNames[kGlobalAttentionMask] + "] must hold 0 or 1, got " +
           std::to_string(ValueAt(in.global_mask, verdict.global_mask)) + " at " + Index(verdict.global_mask, tokens);
  }
  if (verdict.layout != kNone) {
    return std::string("input [") + kInputNames[kRandomBlockLayout] + "] holds block indices in [0, " + std::to_string(problem.num_blocks) +
           "), got " + std::to_string(ValueAt(in.layout, verdict.layout)) + " at " +
           Index(verdict.layout, {problem.heads, problem.num_blocks - 2, config.random_blocks});
  }
  return "";
}

template <typename T>
std::string Run(const AttentionConfig& config, const Problem& problem, const DeviceInputs& in, cudaStream_t stream) {
  const bool sliding = config.pattern == Pattern::kSlidingWindow;
  // Scratch: the verdict, per-head dilations, per-batch global counts and lists.
  const size_t verdict_bytes = 64;
  const size_t dilation_bytes = sizeof(int) * static_cast<size_t>(problem.heads);
  const size_t counts_bytes = sizeof(int) * static_cast<size_t>(problem.batch);
  const size_t globals_bytes = sliding && in.global_mask != nullptr ? sizeof(int) * static_cast<size_t>(problem.batch * problem.n) : 0;
  const size_t bytes = verdict_bytes + dilation_bytes + counts_bytes + globals_bytes;
  char* scratch = nullptr;
  if (cudaError_t e = cudaMallocAsync(reinterpret_cast<void**>(&scratch), bytes, stream)) return CudaError("allocating scratch memory", e);
  auto* verdict = reinterpret_cast<Verdict*>(scratch);
  int* dilation = reinterpret_cast<int*>(scratch + verdict_bytes);
  int* counts = dilation + problem.heads;
  int* globals = counts + problem.batch;

  std::string error;
  std::vector<int> host_dilation(static_cast<size_t>(problem.heads), 1);
  if (sliding) {
    for (int64_t head = 0; head < problem.heads; ++head) host_dilation[head] = static_cast<int>(plan::EffectiveExtent(config.dilation[head], problem.n));
  }
  cudaError_t e = cudaMemsetAsync(verdict, 0xff, sizeof(Verdict), stream);  // all kNone
  if (!e) e = cudaMemcpyAsync(dilation, host_dilation.data(), dilation_bytes, cudaMemcpyHostToDevice, stream);
  if (!e) {
    PrepareKernel<<<static_cast<unsigned>(problem.batch), kPrepareThreads, 0, stream>>>(
        in.attention_mask, sliding ? in.global_mask : nullptr, problem.n, globals, counts, verdict);
    e = cudaGetLastError();
  }
  if (!e && problem.reads_layout) {
    const int64_t count = problem.heads * (problem.num_blocks - 2) * config.random_blocks;
    const unsigned blocks = static_cast<unsigned>(plan::Min64(1024, plan::CeilDiv(count, 256)));
    if (count > 0) {
      CheckLayoutKernel<<<blocks, 256, 0, stream>>>(in.layout, count, problem.num_blocks, verdict);
      e = cudaGetLastError();
    }
  }

  Params<T> p{};
  p.n = problem.n;
  p.hidden = problem.hidden;
  p.head_dim = problem.head_dim;
  p.window = plan::EffectiveExtent(config.window, problem.n);
  p.dilation = dilation;
  p.block = config.block_size;
  p.num_blocks = problem.num_blocks;
  p.random_blocks = config.random_blocks;
  p.query = static_cast<const T*>(in.query);
  p.key = static_cast<const T*>(in.key);
  p.value = static_cast<const T*>(in.value);
  p.mask = in.attention_mask;
  p.global_mask = sliding ? in.global_mask : nullptr;
  p.layout = problem.reads_layout ? in.layout : nullptr;
  p.globals = globals;
  p.global_counts = counts;
  p.output = static_cast<T*>(in.output);
  p.scale = 1.0f / std::sqrt(static_cast<float>(problem.head_dim));
  const unsigned heads = static_cast<unsigned>(problem.heads), batch = static_cast<unsigned>(problem.batch);
  const unsigned query_tiles = static_cast<unsigned>(plan::CeilDiv(problem.n, kQueryTile));

  if (!e && sliding) {
    int64_t window_tiles = 0;
    for (int64_t head = 0; head < problem.heads; ++head) {
      window_tiles = plan::Max64(window_tiles, plan::ClassTileCount(plan::TileClasses(problem.n, host_dilation[head], kQueryTile)));
    }
    e = Launch(p, Kind::kWindow, dim3(static_cast<unsigned>(window_tiles), heads, batch), stream);
    if (!e && in.global_mask != nullptr) {
      Params<T> global = p;
      if (in.query_global != nullptr) {
        global.query = static_cast<const T*>(in.query_global);
        global.key = static_cast<const T*>(in.key_global);
        global.value = static_cast<const T*>(in.value_global);
      }
      // The number of global tokens is only known on the device: blocks past it return at once.
      e = Launch(global, Kind::kGlobalQueries, dim3(query_tiles, heads, batch), stream);
    }
  } else if (!e && problem.full_attention) {
    e = Launch(p, Kind::kDense, dim3(query_tiles, heads, batch), stream);
  } else if (!e) {
    const int64_t tiles = problem.num_blocks * plan::CeilDiv(config.block_size, kQueryTile);
    e = Launch(p, Kind::kBlock, dim3(static_cast<unsigned>(tiles), heads, batch), stream);
  }
  if (e) error = CudaError("launching the SparseAttention kernels", e);

  Verdict host{kNone, kNone, kNone};
  if (cudaError_t copy = cudaMemcpyAsync(&host, verdict, sizeof(Verdict), cudaMemcpyDeviceToHost, stream)) {
    if (error.empty()) error = CudaError("reading the input checks", copy);
  }
  cudaFreeAsync(scratch, stream);
  // Waiting here is what lets a bad mask or layout value fail the run instead of passing silently.
  if (cudaError_t sync = cudaStreamSynchronize(stream)) {
    if (error.empty()) error = CudaError("running the SparseAttention kernels", sync);
  }
  if (!error.empty()) return error;
  return DescribeVerdict(host, config, problem, in);
}

}  // namespace

std::string LaunchSparseAttention(const AttentionConfig& config, const Problem& problem, const DeviceInputs& inputs, cudaStream_t stream) {
  if (problem.batch == 0 || problem.n == 0) return "";
  if (problem.head_dim > kMaxHeadDim) {
    return "head size " + std::to_string(problem.head_dim) + " (hidden / num_heads) must be at most " + std::to_string(kMaxHeadDim) + " on CUDA";
  }
  if (problem.n > INT32_MAX || problem.heads > 65535 || problem.batch > 65535) {
    return "input [query] shape [" + std::to_string(problem.batch) + ", " + std::to_string(problem.n) +
           ", ...] exceeds the CUDA kernel's grid (batch and num_heads ≤ 65535, n < 2^31)";
  }
  return inputs.type == ElementType::kFloat16 ? Run<__half>(config, problem, inputs, stream) : Run<float>(config, problem, inputs, stream);
}

}  // namespace cuda
}  // namespace longdoc
