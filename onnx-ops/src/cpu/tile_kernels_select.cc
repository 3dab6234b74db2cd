// Run-time choice of the tile step. Compiled with baseline flags: it must run on any x86-64 CPU.
#include "tile_kernels.h"

namespace longdoc {
namespace cpu {

int SupportedTileKernels(const TileKernels** out, int capacity) {
  int count = 0;
  auto add = [&](const TileKernels* kernels) {
    if (kernels != nullptr && count < capacity) out[count++] = kernels;
  };
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  // __builtin_cpu_supports also checks that the OS saves the wider registers (XCR0), not just CPUID.
  if (__builtin_cpu_supports("avx512f")) add(Avx512TileKernels());
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) add(Avx2TileKernels());
#endif
  add(GenericTileKernels());
  return count;
}

const TileKernels& SelectTileKernels() {
  static const TileKernels* const kBest = [] {
    const TileKernels* kernels[3];
    SupportedTileKernels(kernels, 3);
    return kernels[0];
  }();
  return *kBest;
}

}  // namespace cpu
}  // namespace longdoc
