// What the CPU and CUDA ops share on the ONNX Runtime side: reading the node's attributes and the call's input shapes
// into the ORT-free types of attention_config.h, and turning every exception into an OrtStatus so that nothing is
// ever thrown across the C boundary.
#ifndef LONGDOC_COMMON_ORT_GLUE_H_
#define LONGDOC_COMMON_ORT_GLUE_H_

#define ORT_API_MANUAL_INIT
#include "onnxruntime_cxx_api.h"
#undef ORT_API_MANUAL_INIT

#include <string>

#include "attention_config.h"

namespace longdoc {

// Reads every attribute the op knows; absent ones stay nullopt. Throws Ort::Exception on API failures.
RawAttributes ReadAttributes(const OrtApi& api, const OrtKernelInfo* info);

// Which inputs the node wires: optional inputs left out have an empty name.
InputPresence ReadNodeInputs(const OrtApi& api, const OrtKernelInfo* info);

// The node's name, for error messages ("" when it has none).
std::string ReadNodeName(const OrtApi& api, const OrtKernelInfo* info);

// The shapes of the inputs present in this call.
InputShapes ReadInputShapes(const Ort::KernelContext& context);

// Prefix for errors of one node: "longdoc.SparseAttention node [name]: ".
std::string NodePrefix(const std::string& node_name);

// The node's attributes, parsed and checked against the inputs it wires: where every execution provider's kernel
// creation starts. Throws std::invalid_argument (or Ort::Exception) naming what is wrong.
AttentionConfig ReadNodeConfig(const OrtApi& api, const OrtKernelInfo* info);

// The element type of input `index`: the masks and the block layout are int64, the tensors `tensor_type`.
ONNXTensorElementDataType InputType(size_t index, ONNXTensorElementDataType tensor_type);

// Q, K, V and the attention mask are required; the global mask, global projections and layout are optional.
OrtCustomOpInputOutputCharacteristic InputCharacteristic(size_t index);

// Runs f and converts whatever it throws into an OrtStatus carrying `prefix` + the message.
template <typename F>
OrtStatusPtr StatusFromExceptions(const OrtApi& api, const std::string& prefix, F&& f) noexcept {
  try {
    f();
    return nullptr;
  } catch (const std::invalid_argument& e) {
    return api.CreateStatus(ORT_INVALID_ARGUMENT, (prefix + e.what()).c_str());
  } catch (const Ort::Exception& e) {
    return api.CreateStatus(e.GetOrtErrorCode(), (prefix + e.what()).c_str());
  } catch (const std::bad_alloc&) {
    return api.CreateStatus(ORT_FAIL, (prefix + "out of memory").c_str());
  } catch (const std::exception& e) {
    return api.CreateStatus(ORT_FAIL, (prefix + e.what()).c_str());
  } catch (...) {
    return api.CreateStatus(ORT_FAIL, (prefix + "unknown error").c_str());
  }
}

}  // namespace longdoc

#endif  // LONGDOC_COMMON_ORT_GLUE_H_
