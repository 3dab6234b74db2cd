#include "cuda_op.h"

#include <stdexcept>

#include "../common/ort_glue.h"
#include "sparse_attention_cuda_impl.h"

namespace longdoc {
namespace cuda {
namespace {

constexpr const char* kCudaExecutionProvider = "CUDAExecutionProvider";

struct SparseAttentionKernel {
  AttentionConfig config;
  std::string prefix;
  ElementType type;

  OrtStatusPtr ComputeV2(OrtKernelContext* raw_context) {
    const OrtApi& api = Ort::GetApi();
    return StatusFromExceptions(api, prefix, [&] {
      Ort::KernelContext context(raw_context);
      const InputShapes shapes = ReadInputShapes(context);
      const Problem problem = ValidateShapes(config, shapes);
      Ort::UnownedValue output = context.GetOutput(0, std::vector<int64_t>{problem.batch, problem.n, problem.hidden});
      if (problem.batch == 0 || problem.n == 0) return;

      auto data = [&](int input) -> const void* { return shapes[input] ? context.GetInput(input).GetTensorRawData() : nullptr; };
      DeviceInputs in;
      in.type = type;
      in.query = data(kQuery);
      in.key = data(kKey);
      in.value = data(kValue);
      in.query_global = data(kQueryGlobal);
      in.key_global = data(kKeyGlobal);
      in.value_global = data(kValueGlobal);
      in.attention_mask = static_cast<const int64_t*>(data(kAttentionMask));
      in.global_mask = static_cast<const int64_t*>(data(kGlobalAttentionMask));
      in.layout = problem.reads_layout ? static_cast<const int64_t*>(data(kRandomBlockLayout)) : nullptr;
      in.output = output.GetTensorMutableRawData();
      const std::string error = LaunchSparseAttention(config, problem, in, static_cast<cudaStream_t>(context.GetGPUComputeStream()));
      if (!error.empty()) throw std::invalid_argument(error);
    });
  }
};

// One op per element type: ORT picks the kernel whose declared types match the node's inputs.
struct SparseAttentionOp : Ort::CustomOpBase<SparseAttentionOp, SparseAttentionKernel, /*WithStatus=*/true> {
  explicit SparseAttentionOp(ONNXTensorElementDataType type) : type_(type) {}

  OrtStatusPtr CreateKernelV2(const OrtApi& api, const OrtKernelInfo* info, void** kernel) const {
    *kernel = nullptr;
    std::string prefix = NodePrefix("");
    return StatusFromExceptions(api, prefix, [&] {
      prefix = NodePrefix(ReadNodeName(api, info));
      auto created = std::make_unique<SparseAttentionKernel>();
      created->config = ReadNodeConfig(api, info);
      created->prefix = prefix;
      created->type = type_ == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 ? ElementType::kFloat16 : ElementType::kFloat32;
      *kernel = created.release();
    });
  }

  const char* GetName() const { return kSparseAttentionOp; }
  const char* GetExecutionProviderType() const { return kCudaExecutionProvider; }

  size_t GetInputTypeCount() const { return kSparseAttentionInputCount; }
  ONNXTensorElementDataType GetInputType(size_t index) const { return InputType(index, type_); }
  OrtCustomOpInputOutputCharacteristic GetInputCharacteristic(size_t index) const { return InputCharacteristic(index); }

  size_t GetOutputTypeCount() const { return 1; }
  ONNXTensorElementDataType GetOutputType(size_t /*index*/) const { return type_; }

 private:
  ONNXTensorElementDataType type_;
};

}  // namespace

OrtStatusPtr RegisterOps(const OrtApi& api, OrtCustomOpDomain* domain) {
  static const SparseAttentionOp kFloat(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT);
  static const SparseAttentionOp kFloat16(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16);
  if (OrtStatusPtr status = api.CustomOpDomain_Add(domain, &kFloat)) return status;
  return api.CustomOpDomain_Add(domain, &kFloat16);
}

}  // namespace cuda
}  // namespace longdoc
