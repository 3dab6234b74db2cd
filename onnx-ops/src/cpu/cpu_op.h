// longdoc.SparseAttention for ONNX Runtime's CPU execution provider.
#ifndef LONGDOC_CPU_CPU_OP_H_
#define LONGDOC_CPU_CPU_OP_H_

#include "onnxruntime_c_api.h"

namespace longdoc {
namespace cpu {

// Adds the CPU op to `domain`; the op object is static and outlives every session.
OrtStatusPtr RegisterOps(const OrtApi& api, OrtCustomOpDomain* domain);

}  // namespace cpu
}  // namespace longdoc

#endif  // LONGDOC_CPU_CPU_OP_H_
