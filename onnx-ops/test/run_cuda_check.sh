#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: builds liblongdoc_ops_cuda.so and runs every C++ test, including
# sparse_attention_cuda_check (the CUDA kernels against the CPU kernel on random inputs, fp32 and fp16, and the
# device-side checks of mask and layout values).
#
#   onnx-ops/test/run_cuda_check.sh
#
# Environment (all optional):
#   CUDA_ARCHS               CMAKE_CUDA_ARCHITECTURES (default "80;90"; "native" builds for the GPU present)
#   LONGDOC_ORT_HEADERS_DIR  folder with onnxruntime_c_api.h (default: onnx-ops/build/ort-headers when it exists,
#                            else the build fetches them with npm, which needs the network)
#   BUILD_DIR                build folder (default onnx-ops/build-cuda)
#   JOBS                     parallel build jobs (default 2)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build-cuda}
jobs=${JOBS:-2}
archs=${CUDA_ARCHS:-80;90}

nvcc=$(command -v nvcc || true)
if [[ -z "$nvcc" ]]; then
  nvcc=$(ls -d /usr/local/cuda/bin/nvcc /usr/local/cuda-*/bin/nvcc 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [[ -z "$nvcc" || ! -x "$nvcc" ]]; then
  echo "nvcc not found (looked on PATH and in /usr/local/cuda*/bin)" >&2
  exit 2
fi
if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L; then
  echo "no NVIDIA GPU visible (nvidia-smi): the CUDA check needs one" >&2
  exit 2
fi

headers=${LONGDOC_ORT_HEADERS_DIR:-}
if [[ -z "$headers" && -f "$root/build/ort-headers/onnxruntime_c_api.h" ]]; then
  headers=$root/build/ort-headers
fi

echo "nvcc: $nvcc ($("$nvcc" --version | tail -n 1)); architectures: $archs; build: $build"
cmake -S "$root" -B "$build" \
  -DLONGDOC_CUDA=ON \
  -DCMAKE_CUDA_COMPILER="$nvcc" \
  -DCMAKE_CUDA_ARCHITECTURES="$archs" \
  ${headers:+-DLONGDOC_ORT_HEADERS_DIR="$headers"}
cmake --build "$build" -j "$jobs"
if [[ ! -f "$build/liblongdoc_ops_cuda.so" ]]; then
  echo "liblongdoc_ops_cuda.so was not built (see the CMake warnings above)" >&2
  exit 1
fi
ctest --test-dir "$build" --output-on-failure
