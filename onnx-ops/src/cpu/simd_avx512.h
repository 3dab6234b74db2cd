// 16-float vectors for tile_kernels_impl.h; include only from a translation unit compiled with -mavx512f.
// Everything sits in an anonymous namespace: each ISA's copy stays local to its translation unit, so the linker can
// never hand AVX-512 code to a caller on a CPU without it.
#ifndef LONGDOC_CPU_SIMD_AVX512_H_
#define LONGDOC_CPU_SIMD_AVX512_H_

#include <immintrin.h>

namespace longdoc {
namespace cpu {
namespace {

struct Simd {
  using V = __m512;
  static constexpr int kWidth = 16;
  // Register blocking of the two products: 8 rows × 2 vectors = 16 accumulators of the 32 zmm registers.
  static constexpr int kRows = 8;
  static constexpr int kVecs = 2;

  static V Zero() { return _mm512_setzero_ps(); }
  static V Set1(float x) { return _mm512_set1_ps(x); }
  static V Load(const float* p) { return _mm512_load_ps(p); }
  static void Store(float* p, V v) { _mm512_store_ps(p, v); }
  static V Add(V a, V b) { return _mm512_add_ps(a, b); }
  static V Sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V Mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V Max(V a, V b) { return _mm512_max_ps(a, b); }
  static V Fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V Iota() { return _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15); }

  // s where lo ≤ t < hi and not xlo ≤ t < xhi, -inf elsewhere (t holds column indices as floats).
  static V MaskRange(V s, V t, float lo, float hi, float xlo, float xhi) {
    const __mmask16 in = _mm512_cmp_ps_mask(t, Set1(lo), _CMP_GE_OQ) & _mm512_cmp_ps_mask(t, Set1(hi), _CMP_LT_OQ);
    const __mmask16 out = _mm512_cmp_ps_mask(t, Set1(xlo), _CMP_GE_OQ) & _mm512_cmp_ps_mask(t, Set1(xhi), _CMP_LT_OQ);
    return _mm512_mask_blend_ps(static_cast<__mmask16>(in & ~out), Set1(-__builtin_inff()), s);
  }

  // 0 where m is -inf (a column that has seen no allowed key), m elsewhere: keeps exp(s - m) free of inf - inf.
  static V ZeroIfNegInf(V m) {
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(m, Set1(-__builtin_inff()), _CMP_EQ_OQ), m, Zero());
  }

  // 2^x, exactly 0 below -126 and for -inf or NaN (masked scores weigh nothing). x = n + f with |f| ≤ 1/2, a
  // degree-6 polynomial fitted for relative error on that interval (7.6e-8 in float arithmetic), then 2^n by scalef:
  // 10 vector operations, one per allowed (query, key) pair next to 2·head_dim multiply-adds. (The kernel's scores
  // carry a factor log2(e), so 2^x is its exp.)
  static V Pow2(V x) {
    const __mmask16 keep = _mm512_cmp_ps_mask(x, Set1(-126.0f), _CMP_GE_OQ);
    const V n = _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const V f = Sub(x, n);
    V p = Set1(1.535334886284545e-4f);
    p = Fma(p, f, Set1(1.3398875016719103e-3f));
    p = Fma(p, f, Set1(9.618437848985195e-3f));
    p = Fma(p, f, Set1(5.5503323674201965e-2f));
    p = Fma(p, f, Set1(2.4022647738456726e-1f));
    p = Fma(p, f, Set1(6.931471824645996e-1f));
    p = Fma(p, f, Set1(1.0f));
    return _mm512_maskz_scalef_ps(keep, p, n);
  }
};

}  // namespace
}  // namespace cpu
}  // namespace longdoc

#endif  // LONGDOC_CPU_SIMD_AVX512_H_
