#include "attention_config.h"

#include <sstream>
#include <stdexcept>

#include "attention_plan.h"

namespace longdoc {
namespace {

[[noreturn]] void Fail(const std::string& message) { throw std::invalid_argument(message); }

std::string Attr(const char* name) { return std::string("attribute [") + name + "]"; }
std::string Input(int index) { return std::string("input [") + kInputNames[index] + "]"; }

int64_t RequireAtLeast(const std::optional<int64_t>& value, const char* name, int64_t minimum) {
  if (!value) Fail(Attr(name) + " is required");
  if (*value < minimum) Fail(Attr(name) + " must be at least " + std::to_string(minimum) + ", got: " + std::to_string(*value));
  return *value;
}

template <typename T>
void RejectFor(const std::optional<T>& value, const char* name, const char* pattern) {
  if (value) Fail(Attr(name) + " does not apply to pattern [" + pattern + "]");
}

void ParseSlidingWindow(const RawAttributes& raw, AttentionConfig& config) {
  RejectFor(raw.block_size, kAttrBlockSize, kPatternSlidingWindow);
  RejectFor(raw.random_blocks, kAttrRandomBlocks, kPatternSlidingWindow);
  RejectFor(raw.random_mode, kAttrRandomMode, kPatternSlidingWindow);
  config.window = RequireAtLeast(raw.window, kAttrWindow, 1);
  if (raw.dilation) {
    if (static_cast<int64_t>(raw.dilation->size()) != config.num_heads) {
      Fail(Attr(kAttrDilation) + " needs one value per head: " + std::to_string(config.num_heads) + " heads, got " +
           std::to_string(raw.dilation->size()) + " values");
    }
    for (size_t head = 0; head < raw.dilation->size(); ++head) {
      const int64_t d = (*raw.dilation)[head];
      if (d < 1) Fail(Attr(kAttrDilation) + " must be at least 1 for every head, got: " + std::to_string(d) + " for head " + std::to_string(head));
    }
    config.dilation = *raw.dilation;
  } else {
    config.dilation.assign(static_cast<size_t>(config.num_heads), 1);
  }
}

void ParseBlockSparse(const RawAttributes& raw, AttentionConfig& config) {
  RejectFor(raw.window, kAttrWindow, kPatternBlockSparse);
  RejectFor(raw.dilation, kAttrDilation, kPatternBlockSparse);
  config.block_size = RequireAtLeast(raw.block_size, kAttrBlockSize, 1);
  config.random_blocks = raw.random_blocks.value_or(kDefaultRandomBlocks);
  if (config.random_blocks < 0 || config.random_blocks > plan::kMaxRandomBlocks) {
    Fail(Attr(kAttrRandomBlocks) + " must be in [0, " + std::to_string(plan::kMaxRandomBlocks) + "], got: " +
         std::to_string(config.random_blocks));
  }
  if (!raw.random_mode) {
    Fail(Attr(kAttrRandomMode) + " is required for pattern [" + kPatternBlockSparse + "]: [" + kRandomModeSeeded + "] or [" +
         kRandomModeHfEval + "]");
  }
  if (*raw.random_mode == kRandomModeSeeded) {
    config.random_mode = RandomMode::kSeeded;
  } else if (*raw.random_mode == kRandomModeHfEval) {
    config.random_mode = RandomMode::kHfEval;
  } else {
    Fail(Attr(kAttrRandomMode) + " must be [" + kRandomModeSeeded + "] or [" + kRandomModeHfEval + "], got: [" + *raw.random_mode + "]");
  }
}

void RequireShape(const InputShapes& shapes, int input, const Shape& expected, const char* expected_text) {
  const Shape& actual = *shapes[input];
  if (actual != expected) {
    Fail(Input(input) + " must have shape " + expected_text + " = " + ShapeToString(expected) + ", got " + ShapeToString(actual));
  }
}

}  // namespace

std::string ShapeToString(const Shape& shape) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << ']';
  return out.str();
}

AttentionConfig ParseAttributes(const RawAttributes& raw) {
  AttentionConfig config;
  config.num_heads = RequireAtLeast(raw.num_heads, kAttrNumHeads, 1);
  if (!raw.pattern) Fail(Attr(kAttrPattern) + " is required: [" + kPatternSlidingWindow + "] or [" + kPatternBlockSparse + "]");
  if (*raw.pattern == kPatternSlidingWindow) {
    config.pattern = Pattern::kSlidingWindow;
    ParseSlidingWindow(raw, config);
  } else if (*raw.pattern == kPatternBlockSparse) {
    config.pattern = Pattern::kBlockSparse;
    ParseBlockSparse(raw, config);
  } else {
    Fail(Attr(kAttrPattern) + " must be [" + kPatternSlidingWindow + "] or [" + kPatternBlockSparse + "], got: [" + *raw.pattern + "]");
  }
  return config;
}

void ValidateInputPresence(const AttentionConfig& config, const InputPresence& present) {
  for (int input : {kQuery, kKey, kValue, kAttentionMask}) {
    if (!present[input]) Fail(Input(input) + " is required");
  }
  if (config.pattern == Pattern::kSlidingWindow) {
    if (present[kRandomBlockLayout]) Fail(Input(kRandomBlockLayout) + " does not apply to pattern [" + kPatternSlidingWindow + "]");
    const int globals = present[kQueryGlobal] + present[kKeyGlobal] + present[kValueGlobal];
    if (globals != 0 && globals != 3) {
      Fail(std::string("inputs [query_global], [key_global] and [value_global] come together or not at all, got ") +
           std::to_string(globals) + " of them");
    }
    return;
  }
  for (int input : {kGlobalAttentionMask, kQueryGlobal, kKeyGlobal, kValueGlobal}) {
    if (present[input]) {
      Fail(Input(input) + " does not apply to pattern [" + kPatternBlockSparse + "]: its global tokens are the first and last blocks");
    }
  }
  if (config.random_mode == RandomMode::kHfEval && present[kRandomBlockLayout]) {
    Fail(Input(kRandomBlockLayout) + " must be absent with random_mode [" + kRandomModeHfEval + "] (every random block is block 0)");
  }
  if (config.random_mode == RandomMode::kSeeded && !present[kRandomBlockLayout]) {
    Fail(Input(kRandomBlockLayout) + " is required with random_mode [" + kRandomModeSeeded + "]");
  }
}

Problem ValidateShapes(const AttentionConfig& config, const InputShapes& shapes) {
  InputPresence present{};
  for (int i = 0; i < kSparseAttentionInputCount; ++i) present[i] = shapes[i].has_value();
  ValidateInputPresence(config, present);

  const Shape& query = *shapes[kQuery];
  if (query.size() != 3) Fail(Input(kQuery) + " must have rank 3 [batch, n, hidden], got " + ShapeToString(query));
  for (int64_t dim : query) {
    if (dim < 0) Fail(Input(kQuery) + " has a negative dimension: " + ShapeToString(query));
  }
  Problem p;
  p.batch = query[0];
  p.n = query[1];
  p.hidden = query[2];
  p.heads = config.num_heads;
  if (p.hidden % p.heads != 0 || p.hidden == 0) {
    Fail(Input(kQuery) + " hidden size " + std::to_string(p.hidden) + " must be a positive multiple of attribute [num_heads] = " +
         std::to_string(p.heads));
  }
  p.head_dim = p.hidden / p.heads;

  const Shape tokens{p.batch, p.n, p.hidden};
  const Shape mask{p.batch, p.n};
  RequireShape(shapes, kKey, tokens, "[batch, n, hidden] like [query]");
  RequireShape(shapes, kValue, tokens, "[batch, n, hidden] like [query]");
  RequireShape(shapes, kAttentionMask, mask, "[batch, n]");
  if (shapes[kGlobalAttentionMask]) {
    RequireShape(shapes, kGlobalAttentionMask, mask, "[batch, n]");
    p.has_global_mask = true;
  }
  if (shapes[kQueryGlobal]) {
    for (int input : {kQueryGlobal, kKeyGlobal, kValueGlobal}) RequireShape(shapes, input, tokens, "[batch, n, hidden] like [query]");
    p.has_global_projections = true;
  }
  if (config.pattern == Pattern::kBlockSparse) {
    p.num_blocks = plan::CeilDiv(p.n, config.block_size);
    p.full_attention = plan::BlockSparseIsFull(p.n, config.block_size, config.random_blocks);
    p.reads_layout = config.random_mode == RandomMode::kSeeded && !p.full_attention;
    if (p.reads_layout) {
      RequireShape(shapes, kRandomBlockLayout, Shape{p.heads, p.num_blocks - 2, config.random_blocks},
                   "[num_heads, ceil(n / block_size) - 2, random_blocks]");
    }
  }
  return p;
}

void ValidateMaskValues(const int64_t* mask, const Problem& problem, int input) {
  const int64_t count = problem.batch * problem.n;
  for (int64_t i = 0; i < count; ++i) {
    if (mask[i] != 0 && mask[i] != 1) {
      Fail(Input(input) + " must hold 0 or 1, got " + std::to_string(mask[i]) + " at [" + std::to_string(i / problem.n) + ", " +
           std::to_string(i % problem.n) + "]");
    }
  }
}

void ValidateLayoutValues(const int64_t* layout, const AttentionConfig& config, const Problem& problem) {
  if (!problem.reads_layout) return;
  const int64_t rows = problem.num_blocks - 2;
  const int64_t count = problem.heads * rows * config.random_blocks;
  for (int64_t i = 0; i < count; ++i) {
    if (layout[i] < 0 || layout[i] >= problem.num_blocks) {
      const int64_t head = i / (rows * config.random_blocks);
      const int64_t row = (i / config.random_blocks) % rows;
      Fail(Input(kRandomBlockLayout) + " holds block indices in [0, " + std::to_string(problem.num_blocks) + "), got " +
           std::to_string(layout[i]) + " at [" + std::to_string(head) + ", " + std::to_string(row) + ", " +
           std::to_string(i % config.random_blocks) + "]");
    }
  }
}

}  // namespace longdoc
