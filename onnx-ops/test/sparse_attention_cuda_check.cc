// The CUDA kernels against the CPU kernel (itself checked against the dense reference by sparse_attention_cpu_test)
// on random problems of every pattern, in fp32 and fp16, plus the device-side value checks. Needs a GPU; run through
// test/run_cuda_check.sh. Exit status 0 = all passed.
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "../src/cuda/sparse_attention_cuda_impl.h"
#include "test_support.h"

namespace longdoc {
namespace test {
namespace {

constexpr double kFloat32Tolerance = 1e-4;
// Inputs are rounded to fp16 for both kernels, so what is left is the output's own rounding (|out| ≲ 4 here).
constexpr double kFloat16Tolerance = 5e-3;

#define CUDA_OK(call)                                                                                  \
  do {                                                                                                 \
    cudaError_t e_ = (call);                                                                           \
    if (e_ != cudaSuccess) {                                                                           \
      std::printf("CUDA error %s at %s:%d: %s\n", cudaGetErrorName(e_), __FILE__, __LINE__, #call);    \
      std::exit(2);                                                                                    \
    }                                                                                                  \
  } while (0)

// A device copy of a host vector, freed on scope exit.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const void* host, size_t bytes) : bytes_(bytes) {
    if (bytes == 0) return;
    CUDA_OK(cudaMalloc(&data_, bytes));
    if (host != nullptr) CUDA_OK(cudaMemcpy(data_, host, bytes, cudaMemcpyHostToDevice));
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() { cudaFree(data_); }
  void* get() const { return data_; }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

std::vector<__half> ToHalf(const std::vector<float>& values) {
  std::vector<__half> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) out[i] = __float2half_rn(values[i]);
  return out;
}

void RoundToHalf(std::vector<float>& values) {
  for (float& v : values) v = __half2float(__float2half_rn(v));
}

// Runs the CUDA op on t's inputs in the given type and returns the output as floats ("" error) or the error message.
std::string RunCuda(Tensors& t, cuda::ElementType type, std::vector<float>* output) {
  const bool half = type == cuda::ElementType::kFloat16;
  auto upload = [&](const std::vector<float>& v) {
    if (v.empty()) return std::make_unique<DeviceBuffer>();
    if (half) {
      const std::vector<__half> h = ToHalf(v);
      return std::make_unique<DeviceBuffer>(h.data(), h.size() * sizeof(__half));
    }
    return std::make_unique<DeviceBuffer>(v.data(), v.size() * sizeof(float));
  };
  auto upload_ints = [&](const std::vector<int64_t>& v) { return std::make_unique<DeviceBuffer>(v.empty() ? nullptr : v.data(), v.size() * sizeof(int64_t)); };
  auto q = upload(t.query), k = upload(t.key), v = upload(t.value);
  auto qg = upload(t.query_global), kg = upload(t.key_global), vg = upload(t.value_global);
  auto mask = upload_ints(t.mask), global = upload_ints(t.global_mask), layout = upload_ints(t.layout);
  const size_t elements = t.output.size();
  DeviceBuffer out(nullptr, elements * (half ? sizeof(__half) : sizeof(float)));

  cuda::DeviceInputs in;
  in.type = type;
  in.query = q->get();
  in.key = k->get();
  in.value = v->get();
  in.query_global = qg->get();
  in.key_global = kg->get();
  in.value_global = vg->get();
  in.attention_mask = static_cast<const int64_t*>(mask->get());
  in.global_mask = static_cast<const int64_t*>(global->get());
  in.layout = t.problem.reads_layout ? static_cast<const int64_t*>(layout->get()) : nullptr;
  in.output = out.get();
  cudaStream_t stream;
  CUDA_OK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));  // like ORT's
  const std::string error = cuda::LaunchSparseAttention(t.config, t.problem, in, stream);
  CUDA_OK(cudaStreamDestroy(stream));
  if (!error.empty()) return error;
  output->resize(elements);
  if (half) {
    std::vector<__half> h(elements);
    CUDA_OK(cudaMemcpy(h.data(), out.get(), elements * sizeof(__half), cudaMemcpyDeviceToHost));
    for (size_t i = 0; i < elements; ++i) (*output)[i] = __half2float(h[i]);
  } else {
    CUDA_OK(cudaMemcpy(output->data(), out.get(), elements * sizeof(float), cudaMemcpyDeviceToHost));
  }
  return "";
}

double Check(const Case& c, cuda::ElementType type) {
  Tensors t = MakeTensors(c);
  const bool half = type == cuda::ElementType::kFloat16;
  if (half) {
    for (auto* v : {&t.query, &t.key, &t.value, &t.query_global, &t.key_global, &t.value_global}) RoundToHalf(*v);
  }
  cpu::SparseAttention(t.config, t.problem, t.Inputs(), ThreadFor(8));
  const std::vector<float> expected = t.output;
  std::vector<float> actual;
  const std::string error = RunCuda(t, type, &actual);
  EXPECT(error.empty(), "%s: CUDA op failed: %s", c.name.c_str(), error.c_str());
  if (!error.empty()) return INFINITY;
  const double diff = MaxAbsDiff(actual, expected);
  const double tolerance = half ? kFloat16Tolerance : kFloat32Tolerance;
  EXPECT(diff <= tolerance, "%s [%s]: max abs diff %.3g", c.name.c_str(), half ? "fp16" : "fp32", diff);
  return diff;
}

std::vector<Case> Cases() {
  std::vector<Case> cases;
  auto add = [&](std::string name, RawAttributes attributes, int64_t batch, int64_t n, int64_t head_dim) -> Case& {
    Case c;
    c.name = std::move(name);
    c.attributes = std::move(attributes);
    c.batch = batch;
    c.n = n;
    c.head_dim = head_dim;
    c.seed = static_cast<uint32_t>(cases.size() + 1);
    cases.push_back(c);
    return cases.back();
  };
  add("window", SlidingWindow(2, 5), 2, 300, 32);
  add("window, head dim 64", SlidingWindow(4, 40), 1, 700, 64);
  add("window >= n", SlidingWindow(2, 500), 1, 200, 16);
  add("dilation", SlidingWindow(4, 7, {1, 2, 5, 1}), 2, 333, 32);
  add("global [CLS]", SlidingWindow(3, 16), 2, 500, 32).first_global = true;
  Case& many = add("many globals + projections", SlidingWindow(2, 8, {1, 3}), 2, 400, 64);
  many.global_fraction = 0.2;
  many.global_projections = true;
  Case& padded = add("padding", SlidingWindow(2, 12), 3, 260, 32);
  padded.lengths = {260, 100, 0};
  padded.first_global = true;
  padded.global_on_padding = true;
  add("head dim 20", SlidingWindow(2, 9), 1, 150, 20);
  add("head dim 128", SlidingWindow(2, 33), 1, 300, 128);
  add("head dim 256", SlidingWindow(1, 20), 1, 200, 256);
  add("block sparse seeded", BlockSparse(2, 64, 3, kRandomModeSeeded), 2, 1024, 64);
  add("block sparse seeded, overlaps", BlockSparse(2, 16, 3, kRandomModeSeeded), 1, 300, 32).layout = LayoutKind::kAnything;
  add("block sparse hf_eval, n % b != 0", BlockSparse(2, 16, 3, kRandomModeHfEval), 2, 250, 32);
  add("block sparse, block 40", BlockSparse(1, 40, 2, kRandomModeHfEval), 1, 500, 32);
  add("block sparse fallback", BlockSparse(2, 64, 3, kRandomModeSeeded), 1, 700, 64);
  Case& block_padding = add("block sparse padding", BlockSparse(2, 16, 2, kRandomModeSeeded), 2, 320, 32);
  block_padding.lengths = {320, 150};
  return cases;
}

void CheckDeviceValidation() {
  Case c;
  c.name = "bad mask";
  c.attributes = SlidingWindow(2, 4);
  c.n = 50;
  c.first_global = true;
  Tensors t = MakeTensors(c);
  t.mask[7] = 3;
  std::vector<float> out;
  std::string error = RunCuda(t, cuda::ElementType::kFloat32, &out);
  EXPECT(error == "input [attention_mask] must hold 0 or 1, got 3 at [0, 7]", "device mask check: [%s]", error.c_str());
  t.mask[7] = 1;
  t.global_mask[9] = -2;
  error = RunCuda(t, cuda::ElementType::kFloat32, &out);
  EXPECT(error == "input [global_attention_mask] must hold 0 or 1, got -2 at [0, 9]", "device global mask check: [%s]", error.c_str());

  Case block;
  block.name = "bad layout";
  block.attributes = BlockSparse(2, 8, 2, kRandomModeSeeded);
  block.n = 200;
  Tensors b = MakeTensors(block);
  b.layout[5] = 99;
  error = RunCuda(b, cuda::ElementType::kFloat32, &out);
  EXPECT(error == "input [random_block_layout] holds block indices in [0, 25), got 99 at [0, 2, 1]", "device layout check: [%s]", error.c_str());
}

}  // namespace
}  // namespace test
}  // namespace longdoc

int main() {
  using namespace longdoc::test;
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("no CUDA device: this check needs a GPU\n");
    return 2;
  }
  cudaDeviceProp properties;
  CUDA_OK(cudaGetDeviceProperties(&properties, 0));
  std::printf("device: %s (sm_%d%d)\n", properties.name, properties.major, properties.minor);
  double worst32 = 0, worst16 = 0;
  for (const Case& c : Cases()) {
    const double d32 = Check(c, longdoc::cuda::ElementType::kFloat32);
    const double d16 = Check(c, longdoc::cuda::ElementType::kFloat16);
    std::printf("  %-40s fp32 %.2e  fp16 %.2e\n", c.name.c_str(), d32, d16);
    worst32 = std::max(worst32, d32);
    worst16 = std::max(worst16, d16);
  }
  CheckDeviceValidation();
  std::printf("worst: fp32 %.2e (tolerance %.0e), fp16 %.2e (tolerance %.0e); %d failure(s)\n", worst32, kFloat32Tolerance, worst16,
              kFloat16Tolerance, Failures());
  return Failures() == 0 ? 0 : 1;
}
