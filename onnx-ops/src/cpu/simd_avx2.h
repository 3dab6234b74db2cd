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

  static V Exp(V x) {
    const V tiny = _mm256_cmp_ps(x, Set1(-87.0f), _CMP_LT_OQ);
    x = _mm256_max_ps(_mm256_min_ps(x, Set1(88.0f)), Set1(-87.0f));
    const V n = _mm256_round_ps(Mul(x, Set1(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    V r = _mm256_fnmadd_ps(n, Set1(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, Set1(-2.12194440e-4f), r);
    V p = Set1(1.9875691500e-4f);
    p = Fma(p, r, Set1(1.3981999507e-3f));
    p = Fma(p, r, Set1(8.3334519073e-3f));
    p = Fma(p, r, Set1(4.1665795894e-2f));
    p = Fma(p, r, Set1(1.6666665459e-1f));
    p = Fma(p, r, Set1(5.0000001201e-1f));
    const V y = Fma(p, Mul(r, r), Add(r, Set1(1.0f)));
    // 2^n through the exponent bits; n ∈ [-126, 127] after the clamp, so the result stays a normal float.
    const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_andnot_ps(tiny, Mul(y, _mm256_castsi256_ps(bits)));
  }
};

}  // namespace
}  // namespace cpu
}  // namespace longdoc

#endif  // LONGDOC_CPU_SIMD_AVX2_H_
