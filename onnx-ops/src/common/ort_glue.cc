#include "ort_glue.h"

#include <vector>

namespace longdoc {
namespace {

// Attribute getters fail with a status when the attribute is absent; that is the only way the C API says so.
std::optional<int64_t> ReadInt(const OrtApi& api, const OrtKernelInfo* info, const char* name) {
  int64_t value = 0;
  if (OrtStatus* status = api.KernelInfoGetAttribute_int64(info, name, &value)) {
    api.ReleaseStatus(status);
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> ReadString(const OrtApi& api, const OrtKernelInfo* info, const char* name) {
  size_t size = 0;
  if (OrtStatus* status = api.KernelInfoGetAttribute_string(info, name, nullptr, &size)) {
    api.ReleaseStatus(status);
    return std::nullopt;
  }
  std::string value(size, '\0');
  Ort::ThrowOnError(api.KernelInfoGetAttribute_string(info, name, value.data(), &size));
  value.resize(size > 0 ? size - 1 : 0);  // size counts the terminating NUL
  return value;
}

std::optional<std::vector<int64_t>> ReadInts(const OrtApi& api, const OrtKernelInfo* info, const char* name) {
  size_t size = 0;
  if (OrtStatus* status = api.KernelInfoGetAttributeArray_int64(info, name, nullptr, &size)) {
    api.ReleaseStatus(status);
    return std::nullopt;
  }
  std::vector<int64_t> values(size);
  if (size > 0) Ort::ThrowOnError(api.KernelInfoGetAttributeArray_int64(info, name, values.data(), &size));
  return values;
}

}  // namespace

RawAttributes ReadAttributes(const OrtApi& api, const OrtKernelInfo* info) {
  RawAttributes raw;
  raw.num_heads = ReadInt(api, info, kAttrNumHeads);
  raw.pattern = ReadString(api, info, kAttrPattern);
  raw.window = ReadInt(api, info, kAttrWindow);
  raw.dilation = ReadInts(api, info, kAttrDilation);
  raw.block_size = ReadInt(api, info, kAttrBlockSize);
  raw.random_blocks = ReadInt(api, info, kAttrRandomBlocks);
  raw.random_mode = ReadString(api, info, kAttrRandomMode);
  return raw;
}

InputPresence ReadNodeInputs(const OrtApi& api, const OrtKernelInfo* info) {
  InputPresence present{};
  size_t count = 0;
  Ort::ThrowOnError(api.KernelInfo_GetInputCount(info, &count));
  for (size_t i = 0; i < count && i < present.size(); ++i) {
    size_t size = 0;
    Ort::ThrowOnError(api.KernelInfo_GetInputName(info, i, nullptr, &size));
    present[i] = size > 1;  // size includes the NUL: 1 means an empty name, i.e. an omitted optional input
  }
  return present;
}

std::string ReadNodeName(const OrtApi& api, const OrtKernelInfo* info) {
  size_t size = 0;
  if (OrtStatus* status = api.KernelInfo_GetNodeName(info, nullptr, &size)) {
    api.ReleaseStatus(status);
    return "";
  }
  std::string name(size, '\0');
  Ort::ThrowOnError(api.KernelInfo_GetNodeName(info, name.data(), &size));
  name.resize(size > 0 ? size - 1 : 0);
  return name;
}

InputShapes ReadInputShapes(const Ort::KernelContext& context) {
  InputShapes shapes;
  const size_t count = context.GetInputCount();
  for (size_t i = 0; i < count && i < shapes.size(); ++i) {
    Ort::ConstValue value = context.GetInput(i);
    if (value == nullptr) continue;  // an optional input left out
    shapes[i] = value.GetTensorTypeAndShapeInfo().GetShape();
  }
  return shapes;
}

std::string NodePrefix(const std::string& node_name) {
  return std::string(kDomain) + "." + kSparseAttentionOp + " node [" + node_name + "]: ";
}

AttentionConfig ReadNodeConfig(const OrtApi& api, const OrtKernelInfo* info) {
  AttentionConfig config = ParseAttributes(ReadAttributes(api, info));
  ValidateInputPresence(config, ReadNodeInputs(api, info));
  return config;
}

ONNXTensorElementDataType InputType(size_t index, ONNXTensorElementDataType tensor_type) {
  const bool integer = index == kAttentionMask || index == kGlobalAttentionMask || index == kRandomBlockLayout;
  return integer ? ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 : tensor_type;
}

OrtCustomOpInputOutputCharacteristic InputCharacteristic(size_t index) {
  return index >= kGlobalAttentionMask ? INPUT_OUTPUT_OPTIONAL : INPUT_OUTPUT_REQUIRED;
}

}  // namespace longdoc
