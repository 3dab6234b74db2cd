// 8-float vectors for tile_kernels_impl.h; include only from a translation unit compiled with -mavx2 -mfma.
// Anonymous namespace for the same reason as simd_avx512.h.
#ifndef LONGDOC_CPU_SIMD_AVX2_H_
#define LONGDOC_CPU_SIMD_AVX2_H_

#include <immintrin.h>

namespace longdoc {
namespace cpu {
namespace {

struct Simd {
  using V = __m256;
  static constexpr int kWidth = 8;
  // 6 rows × 2 vectors = 12 accumulators + 2 loads + 1 broadcast of the 16 ymm registers.
  static constexpr int kRows = 6;
  static constexpr int kVecs = 2;

  static V Zero() { return _mm256_setzero_ps(); }
  static V Set1(float x) { return _mm256_set1_ps(x); }
  static V Load(const float* p) { return _mm256_load_ps(p); }
  static void Store(float* p, V v) { _mm256_store_ps(p, v); }
  static V Add(V a, V b) { return _mm256_add_ps(a, b); }
  static V Sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V Mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V Max(V a, V b) { return _mm256_max_ps(a, b); }
  static V Fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V Iota() { return _mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7); }

  static V MaskRange(V s, V t, float lo, float hi, float xlo, float xhi) {
    const V in = _mm256_and_ps(_mm256_cmp_ps(t, Set1(lo), _CMP_GE_OQ), _mm256_cmp_ps(t, Set1(hi), _CMP_LT_OQ));
    const V out = _mm256_and_ps(_mm256_cmp_ps(t, Set1(xlo), _CMP_GE_OQ), _mm256_cmp_ps(t, Set1(xhi), _CMP_LT_OQ));
    return _mm256_blendv_ps(Set1(-__builtin_inff()), s, _mm256_andnot_ps(out, in));
  }

  static V ZeroIfNegInf(V m) {
    return _mm256_blendv_ps(m, Zero(), _mm256_cmp_ps(m, Set1(-__builtin_inff()), _CMP_EQ_OQ));
  }

  // 2^x, exactly 0 below -126 and for -inf or NaN; the same polynomial as simd_avx512.h, 2^n through the exponent
  // bits (n ∈ [-126, 127] after the clamp, so the result stays a normal float).
  static V Pow2(V x) {
    const V keep = _mm256_cmp_ps(x, Set1(-126.0f), _CMP_GE_OQ);
    x = _mm256_max_ps(_mm256_min_ps(x, Set1(127.0f)), Set1(-126.0f));
    const V n = _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const V f = Sub(x, n);
    V p = Set1(1.535334886284545e-4f);
    p = Fma(p, f, Set1(1.3398875016719103e-3f));
    p = Fma(p, f, Set1(9.618437848985195e-3f));
    p = Fma(p, f, Set1(5.5503323674201965e-2f));
    p = Fma(p, f, Set1(2.4022647738456726e-1f));
    p = Fma(p, f, Set1(6.931471824645996e-1f));
    p = Fma(p, f, Set1(1.0f));
    const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_and_ps(keep, Mul(p, _mm256_castsi256_ps(bits)));
  }
};

}  // namespace
}  // namespace cpu
}  // namespace longdoc

#endif  // LONGDOC_CPU_SIMD_AVX2_H_
