#include "cpu_op.h"

#include "../common/ort_glue.h"
#include "sparse_attention_cpu.h"

namespace longdoc {
namespace cpu {
namespace {

// ORT's intra-op thread pool, as the C API lends it to custom ops (KernelContext_ParallelFor, API ≥ 17). With one
// intra-op thread ORT runs the items inline on the calling thread.
class OrtParallelFor final : public ParallelFor {
 public:
  explicit OrtParallelFor(const Ort::KernelContext& context) : context_(context) {}
  void Run(size_t total, void (*fn)(void*, size_t), void* context) const override {
    // num_batch 0: let ORT split `total` across its threads as it sees fit (items are already coarse).
    context_.ParallelFor(fn, total, 0, context);
  }

 private:
  const Ort::KernelContext& context_;
};

struct SparseAttentionKernel {
  AttentionConfig config;
  std::string prefix;  // "longdoc.SparseAttention node [name]: "

  OrtStatusPtr ComputeV2(OrtKernelContext* raw_context) {
    const OrtApi& api = Ort::GetApi();
    return StatusFromExceptions(api, prefix, [&] {
      Ort::KernelContext context(raw_context);
      const InputShapes shapes = ReadInputShapes(context);
      const Problem problem = ValidateShapes(config, shapes);
      Ort::UnownedValue output = context.GetOutput(0, std::vector<int64_t>{problem.batch, problem.n, problem.hidden});
      if (problem.batch == 0 || problem.n == 0) return;

      auto floats = [&](int input) -> const float* {
        return shapes[input] ? context.GetInput(input).GetTensorData<float>() : nullptr;
      };
      AttentionInputs in;
      in.query = floats(kQuery);
      in.key = floats(kKey);
      in.value = floats(kValue);
      in.query_global = floats(kQueryGlobal);
      in.key_global = floats(kKeyGlobal);
      in.value_global = floats(kValueGlobal);
      in.attention_mask = context.GetInput(kAttentionMask).GetTensorData<int64_t>();
      ValidateMaskValues(in.attention_mask, problem, kAttentionMask);
      if (problem.has_global_mask) {
        in.global_mask = context.GetInput(kGlobalAttentionMask).GetTensorData<int64_t>();
        ValidateMaskValues(in.global_mask, problem, kGlobalAttentionMask);
      }
      if (problem.reads_layout) {
        in.layout = context.GetInput(kRandomBlockLayout).GetTensorData<int64_t>();
        ValidateLayoutValues(in.layout, config, problem);
      }
      in.output = output.GetTensorMutableData<float>();
      SparseAttention(config, problem, in, OrtParallelFor(context));
    });
  }
};

struct SparseAttentionOp : Ort::CustomOpBase<SparseAttentionOp, SparseAttentionKernel, /*WithStatus=*/true> {
  OrtStatusPtr CreateKernelV2(const OrtApi& api, const OrtKernelInfo* info, void** kernel) const {
    *kernel = nullptr;
    std::string prefix = NodePrefix("");
    return StatusFromExceptions(api, prefix, [&] {
      prefix = NodePrefix(ReadNodeName(api, info));
      auto created = std::make_unique<SparseAttentionKernel>();
      created->config = ReadNodeConfig(api, info);
      created->prefix = prefix;
      *kernel = created.release();
    });
  }

  const char* GetName() const { return kSparseAttentionOp; }

  size_t GetInputTypeCount() const { return kSparseAttentionInputCount; }
  ONNXTensorElementDataType GetInputType(size_t index) const { return InputType(index, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT); }
  OrtCustomOpInputOutputCharacteristic GetInputCharacteristic(size_t index) const { return InputCharacteristic(index); }

  size_t GetOutputTypeCount() const { return 1; }
  ONNXTensorElementDataType GetOutputType(size_t /*index*/) const { return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT; }
};

}  // namespace

OrtStatusPtr RegisterOps(const OrtApi& api, OrtCustomOpDomain* domain) {
  static const SparseAttentionOp kOp;
  return api.CustomOpDomain_Add(domain, &kOp);
}

}  // namespace cpu
}  // namespace longdoc
