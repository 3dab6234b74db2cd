#!/usr/bin/env bash
# The GPU path end to end, on a machine with an NVIDIA GPU, from a copy of the working tree with nothing built:
#   1. the CUDA sparse-attention kernel against the CPU kernel (onnx-ops/test/run_cuda_check.sh: every C++ test,
#      fp32 and fp16, built for the GPU present);
#   2. the default model (bge-small-en-v1.5, longified to 16k) on ONNX Runtime's CUDA provider (the onnxruntime_gpu
#      natives the GPU zip ships, and liblongdoc_ops_cuda.so) against the CPU, on text from bench/data: the embeddings'
#      cosine must be ≥ 0.9999 (fp32), and each length is timed on both (median of --runs after a warm-up).
# Prints one table; exit 0 when both steps pass, 1 when a check fails, 2 when there is no NVIDIA GPU.
#
#   bash bench/gpu-check.sh [--lengths 512,4096,16384] [--runs 3] [--corpus bench/data/sotu.jsonl.gz]
#
# Needs: nvcc (CUDA 12 or 13 toolkit), the NVIDIA driver, and the CUDA 12 + cuDNN 9 runtime libraries on the library
# path (README, "GPU zip"); Maven resolves com.microsoft.onnxruntime:onnxruntime_gpu:1.29.0 (≈ 640 MB) from Central or
# ~/.m2, and CMake fetches ONNX Runtime's headers with npm once — without network, prime both first (README).
# Budget: under 10 minutes on one GPU (the Maven build ≈ 1–2 min, the kernel build and check ≈ 2 min, the model ≈ 2 min).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/target/gpu-check
lengths=512,4096,16384
runs=3
corpus=bench/data/sotu.jsonl.gz
while [ $# -gt 0 ]; do
  case "$1" in
    --lengths) lengths=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    *) echo "unknown option [$1]; usage: bash bench/gpu-check.sh [--lengths 512,4096,16384] [--runs 3] [--corpus FILE]" >&2; exit 64 ;;
  esac
done

if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "no NVIDIA GPU (nvidia-smi finds none): bench/gpu-check.sh needs one" >&2
  exit 2
fi
nvidia-smi -L
source .ci/java-home.sh
jobs=$(nproc)
mkdir -p "$out"

step() { echo "[gpu-check $(date -u +%H:%M:%S)] $*"; }

# The Java side, the CPU onnx-ops library and ORT's headers (from npm, into target/onnx-ops/ort-headers), and the GPU
# zip's ONNX Runtime natives (the longdoc-gpu profile unpacks them). The CUDA library is built in step 1 for the GPU
# present, faster than the profile's two architectures.
step "maven: compile, CPU ops library, onnxruntime_gpu natives"
mvn -B -q -ntp -Plongdoc-gpu -Dlongdoc.cuda=OFF test-compile

step "1/2 CUDA kernel against the CPU kernel (onnx-ops/test/run_cuda_check.sh)"
kernel=ok
CUDA_ARCHS=native BUILD_DIR=$out/onnx-ops JOBS=$jobs LONGDOC_ORT_HEADERS_DIR=$root/target/onnx-ops/ort-headers \
  bash onnx-ops/test/run_cuda_check.sh >"$out/kernel-check.log" 2>&1 || kernel=FAIL
tail -n 15 "$out/kernel-check.log"

step "2/2 the default model on CUDA against the CPU"
natives=$out/native
rm -rf "$natives" && mkdir -p "$natives"
# ORT opens its provider libraries from the folder of libonnxruntime.so, as in the plugin's native/linux-x64
ln -s "$root"/target/natives/onnxruntime-gpu/ai/onnxruntime/native/linux-x64/*.so "$natives"/
model=ok
if [ -f "$out/onnx-ops/liblongdoc_ops_cuda.so" ]; then
  mvn -B -q -ntp exec:java -Dexec.mainClass=io.longdoc.bench.GpuCheck -Dexec.classpathScope=test -Dexec.cleanupDaemonThreads=false \
    -Donnxruntime.native.path="$natives" -Dai.djl.offline=true \
    -Dexec.args="--ops-cpu $root/target/onnx-ops/liblongdoc_ops.so --ops-cuda $out/onnx-ops/liblongdoc_ops_cuda.so \
      --specs $root/src/main/models --sources $root/target/model-sources --corpus $root/$corpus --work $out/work \
      --lengths $lengths --runs $runs" | tee "$out/model-check.log" || model=FAIL
else
  echo "liblongdoc_ops_cuda.so was not built (see $out/kernel-check.log)" >&2
  model=FAIL
fi

echo
echo "gpu-check: CUDA kernel = CPU kernel: $kernel; model on CUDA = CPU (cosine ≥ 0.9999, the table above): $model"
[ "$kernel" = ok ] && [ "$model" = ok ]
