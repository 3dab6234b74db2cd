// One-float "vectors" for tile_kernels_impl.h: the portable fallback for CPUs without AVX2 (and a readable statement
// of what the vector versions compute).
#ifndef LONGDOC_CPU_SIMD_SCALAR_H_
#define LONGDOC_CPU_SIMD_SCALAR_H_

#include <math.h>

namespace longdoc {
namespace cpu {
namespace {

struct Simd {
  using V = float;
  static constexpr int kWidth = 1;
  static constexpr int kRows = 4;
  static constexpr int kVecs = 8;

  static V Zero() { return 0.0f; }
  static V Set1(float x) { return x; }
  static V Load(const float* p) { return *p; }
  static void Store(float* p, V v) { *p = v; }
  static V Add(V a, V b) { return a + b; }
  static V Sub(V a, V b) { return a - b; }
  static V Mul(V a, V b) { return a * b; }
  static V Max(V a, V b) { return a > b ? a : b; }
  static V Fma(V a, V b, V c) { return a * b + c; }
  static V Iota() { return 0.0f; }

  static V MaskRange(V s, V t, float lo, float hi, float xlo, float xhi) {
    const bool allowed = t >= lo && t < hi && !(t >= xlo && t < xhi);
    return allowed ? s : -__builtin_inff();
  }

  static V ZeroIfNegInf(V m) { return m == -__builtin_inff() ? 0.0f : m; }

  // 2^x, exactly 0 below -126 and for NaN (as the vector variants).
  static V Pow2(V x) { return x >= -126.0f ? exp2f(x) : 0.0f; }
};

}  // namespace
}  // namespace cpu
}  // namespace longdoc

#endif  // LONGDOC_CPU_SIMD_SCALAR_H_
