// Portable variant of the tile step, for CPUs without AVX2 (compiled with the baseline flags only).
#include "simd_scalar.h"
#include "tile_kernels_impl.h"

namespace longdoc {
namespace cpu {

const TileKernels* GenericTileKernels() {
  static constexpr TileKernels kKernels{"generic", &Attend};
  return &kKernels;
}

}  // namespace cpu
}  // namespace longdoc
