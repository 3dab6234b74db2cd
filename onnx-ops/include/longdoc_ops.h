// longdoc custom operators for ONNX Runtime: the contract shared by the CPU and CUDA kernels, the graph builder
// (io.longdoc.graph) and the plain Java reference. The attention patterns are defined in ARCHITECTURE.md
// ("Attention patterns"); this header says how they map onto one ONNX node.
//
// ---------------------------------------------------------------------------------------------------------------
// longdoc.SparseAttention (domain "longdoc", since version 1)
// ---------------------------------------------------------------------------------------------------------------
// Replaces the attention core of one encoder layer: softmax(q·kᵀ / sqrt(h) over the allowed keys) · v, per head.
//
// Why Q, K, V after projection, each [batch, n, hidden], heads interleaved as hidden = num_heads · h:
//   * it is exactly what the three projection MatMul+Add of a BERT/RoBERTa/Longformer/BigBird layer produce, so the
//     graph needs no Reshape/Transpose before the op and the output feeds the attention-output dense layer as is;
//   * Longformer's global projections (query_global/key_global/value_global) have the same shape, so they are just
//     three more optional inputs of the same kind;
//   * a packed [batch, n, 3·hidden] input would only save the graph a Split when it fuses the three projections,
//     and would fix one fusion choice into the op contract.
//
// Inputs (T = float on CPU; float or float16 on CUDA; all tensors dense, row-major):
//   0 query                  T     [batch, n, hidden]
//   1 key                    T     [batch, n, hidden]
//   2 value                  T     [batch, n, hidden]
//   3 attention_mask         int64 [batch, n]   1 = token, 0 = padding. Padding keys are never attended; padding
//                                               query rows of the output are 0 (as Hugging Face's Longformer and
//                                               BigBird do), whatever else the pattern says.
//   4 global_attention_mask  int64 [batch, n]   optional, sliding_window only: 1 = global token. A padding
//                                               position is never global. Absent = no global tokens.
//   5 query_global           T     [batch, n, hidden]  optional, sliding_window only; 5, 6 and 7 come together or
//   6 key_global             T     [batch, n, hidden]  not at all. Rows of global queries use them: q from 5, k from
//   7 value_global           T     [batch, n, hidden]  6 and v from 7 for all n keys. Absent = the normal projections
//                                                       (a model without separate global projections).
//   8 random_block_layout    int64 [num_heads, B - 2, random_blocks]  block_sparse with random_mode "seeded" only:
//                                               row q - 1 lists the r random key blocks of query block q
//                                               (1 ≤ q ≤ B - 2), B = ceil(n / block_size); values in [0, B). The
//                                               same for every batch entry. Not read when the op falls back to full
//                                               attention (see below).
//
// Why the random layout is an input and not a seed attribute: the same draw must feed the standard-op graph, the
// fused kernels and the Java reference. As an input it is drawn once, by the graph builder, and every implementation
// consumes the same tensor; a seed would mean re-implementing one RNG bit-for-bit in Java, C++ and CUDA (and in ONNX
// standard ops for the unfused graph). It also admits any layout, e.g. Hugging Face's own plans.
//
// Attributes:
//   num_heads      int, required, ≥ 1, divides hidden.
//   pattern        string, required: "sliding_window" | "block_sparse".
//   window         int, sliding_window (required), ≥ 1: one-sided window w (Hugging Face's attention_window / 2).
//   dilation       ints, sliding_window (optional): num_heads values ≥ 1, one per head; absent = 1 for every head.
//   block_size     int, block_sparse (required), ≥ 1: b.
//   random_blocks  int, block_sparse (optional, default 3), ≥ 0: r.
//   random_mode    string, block_sparse (required): "seeded" (layout from input 8) | "hf_eval" (input 8 absent;
//                  every random block is block 0, as Hugging Face's BigBird does in eval mode since PR #23056).
//   An attribute or optional input that does not apply to the pattern is an error, not silently ignored.
//
// Output:
//   0 output       T     [batch, n, hidden]
//
// Semantics (i = query, j = key, both non-padding unless said otherwise; s_ij = q_i·k_j / sqrt(h); each query's
// output is Σ_j c_ij·exp(s_ij)·v_j / Σ_j c_ij·exp(s_ij) over its allowed multiset, c_ij = multiplicity):
//   sliding_window, head with dilation d:
//     * a global query i (global_attention_mask = 1) attends every key j with multiplicity 1, using the global
//       projections when given;
//     * any other query i attends j = i + k·d for integer |k| ≤ w, plus every global key g; a global key inside the
//       window counts once (Longformer).
//   block_sparse (BigBird ITC), B = ceil(n / b); positions ≥ n of the last block are padding:
//     * if n ≤ (5 + 2r)·b: full attention over all keys (Hugging Face's fallback, decided on the op's n);
//     * query blocks 0 and B-1 attend all keys;
//     * query block q in [1, B-2] attends the set {q-1, q, q+1} ∪ {0, B-1} (so block 1 sees {0, 1, 2, B-1} and block
//       B-2 sees {0, B-3, B-2, B-1}) with multiplicity 1, plus each of its r random blocks, each occurrence adding 1
//       to that block's multiplicity. In hf_eval mode the r random blocks are all block 0, so block 0 enters the
//       softmax r + 1 times, exactly as Hugging Face computes it. A dense reference reproduces this by adding
//       log(multiplicity) to the scores.
//   n == 0 gives an empty output. Mask values other than 0 and 1, or layout values outside [0, B), are errors.
//
// Cost: O(n · (2w + 1 + |G|)) scores per head (sliding_window), O(n · (5 + r) · b) (block_sparse); memory is one
// tile of scores per worker, never n × n.
//
// Entry point: RegisterCustomOps (below) adds the domain to a session's options. The library only uses the OrtApiBase
// it is given (no link dependency on libonnxruntime) and needs ONNX Runtime API version 29 or newer.
// ---------------------------------------------------------------------------------------------------------------

#ifndef LONGDOC_OPS_H_
#define LONGDOC_OPS_H_

#include "onnxruntime_c_api.h"

#if defined(__GNUC__)
#define LONGDOC_EXPORT __attribute__((visibility("default")))
#else
#define LONGDOC_EXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif

// Registers the "longdoc" domain in `options`. Returns nullptr, or an OrtStatus describing why not (for example a
// runtime older than the API version the library was built for). Never throws.
LONGDOC_EXPORT OrtStatus* ORT_API_CALL RegisterCustomOps(OrtSessionOptions* options, const OrtApiBase* api_base);

#ifdef __cplusplus
}  // extern "C"

namespace longdoc {

inline constexpr const char* kDomain = "longdoc";
inline constexpr int kDomainVersion = 1;
inline constexpr const char* kSparseAttentionOp = "SparseAttention";

// Input positions of SparseAttention.
enum SparseAttentionInput : int {
  kQuery = 0,
  kKey = 1,
  kValue = 2,
  kAttentionMask = 3,
  kGlobalAttentionMask = 4,
  kQueryGlobal = 5,
  kKeyGlobal = 6,
  kValueGlobal = 7,
  kRandomBlockLayout = 8,
  kSparseAttentionInputCount = 9,
};

inline constexpr const char* kInputNames[kSparseAttentionInputCount] = {
    "query",        "key",        "value",        "attention_mask",     "global_attention_mask",
    "query_global", "key_global", "value_global", "random_block_layout",
};

// Attribute names and values.
inline constexpr const char* kAttrNumHeads = "num_heads";
inline constexpr const char* kAttrPattern = "pattern";
inline constexpr const char* kAttrWindow = "window";
inline constexpr const char* kAttrDilation = "dilation";
inline constexpr const char* kAttrBlockSize = "block_size";
inline constexpr const char* kAttrRandomBlocks = "random_blocks";
inline constexpr const char* kAttrRandomMode = "random_mode";

inline constexpr const char* kPatternSlidingWindow = "sliding_window";
inline constexpr const char* kPatternBlockSparse = "block_sparse";
inline constexpr const char* kRandomModeSeeded = "seeded";
inline constexpr const char* kRandomModeHfEval = "hf_eval";
inline constexpr long long kDefaultRandomBlocks = 3;

}  // namespace longdoc
#endif  // __cplusplus

#endif  // LONGDOC_OPS_H_
