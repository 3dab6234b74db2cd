// AVX-512F variant of the tile step; this file alone is compiled with -mavx512f (see CMakeLists.txt).
#include "simd_avx512.h"
#include "tile_kernels_impl.h"

namespace longdoc {
namespace cpu {

const TileKernels* Avx512TileKernels() {
  static constexpr TileKernels kKernels{"avx512", &Attend};
  return &kKernels;
}

}  // namespace cpu
}  // namespace longdoc
