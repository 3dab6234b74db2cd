// The CUDA kernels of longdoc.SparseAttention: only the launcher is declared here (the kernels live in
// sparse_attention_cuda.cu). Same semantics as the CPU kernel; both walk the patterns with common/attention_plan.h.
#ifndef LONGDOC_CUDA_SPARSE_ATTENTION_CUDA_IMPL_H_
#define LONGDOC_CUDA_SPARSE_ATTENTION_CUDA_IMPL_H_

#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>

#include "../common/attention_config.h"

namespace longdoc {
namespace cuda {

enum class ElementType { kFloat32, kFloat16 };

// Each lane of a warp keeps head_dim / 32 accumulators per query, so the head size is bounded.
constexpr int64_t kMaxHeadDim = 256;

// Device pointers; T is float or __half as `type` says. Optional ones are nullptr when absent.
struct DeviceInputs {
  ElementType type = ElementType::kFloat32;
  const void* query = nullptr;
  const void* key = nullptr;
  const void* value = nullptr;
  const void* query_global = nullptr;
  const void* key_global = nullptr;
  const void* value_global = nullptr;
  const int64_t* attention_mask = nullptr;
  const int64_t* global_mask = nullptr;
  const int64_t* layout = nullptr;
  void* output = nullptr;
};

// Runs the op on `stream` (ORT's compute stream) for inputs that passed ValidateShapes. The kernels check the mask and
// layout values on the device (never reading out of bounds whatever they hold); the launcher then waits for the stream
// to read that verdict. Returns "" on success, else an error message in the CPU kernel's words.
std::string LaunchSparseAttention(const AttentionConfig& config, const Problem& problem, const DeviceInputs& inputs, cudaStream_t stream);

}  // namespace cuda
}  // namespace longdoc

#endif  // LONGDOC_CUDA_SPARSE_ATTENTION_CUDA_IMPL_H_
