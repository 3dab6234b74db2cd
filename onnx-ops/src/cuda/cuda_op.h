// longdoc.SparseAttention for ONNX Runtime's CUDA execution provider (float and float16).
#ifndef LONGDOC_CUDA_CUDA_OP_H_
#define LONGDOC_CUDA_CUDA_OP_H_

#include "onnxruntime_c_api.h"

namespace longdoc {
namespace cuda {

// Adds the CUDA ops (one per element type) to `domain`; the op objects are static and outlive every session.
OrtStatusPtr RegisterOps(const OrtApi& api, OrtCustomOpDomain* domain);

}  // namespace cuda
}  // namespace longdoc

#endif  // LONGDOC_CUDA_CUDA_OP_H_
