// AVX2+FMA variant of the tile step; this file alone is compiled with -mavx2 -mfma (see CMakeLists.txt).
#include "simd_avx2.h"
#include "tile_kernels_impl.h"

namespace longdoc {
namespace cpu {

const TileKernels* Avx2TileKernels() {
  static constexpr TileKernels kKernels{"avx2", &Attend};
  return &kKernels;
}

}  // namespace cpu
}  // namespace longdoc
