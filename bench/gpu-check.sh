#!/usr/bin/env bash
# The GPU path end to end, on a machine with an NVIDIA GPU, from a copy of the working tree with nothing built:
#   1. the CUDA sparse-attention kernel against the CPU kernel (onnx-ops/test/run_cuda_check.sh: every C++ test,
#      fp32 and fp16, built for the GPU present);
#   2. the default model (bge-small-en-v1.5, longified to 16k) on ONNX Runtime's CUDA provider (the onnxruntime_gpu
#      natives the GPU zip ships, and liblongdoc_ops_cuda.so) against the CPU, on text from bench/data, in four variants:
#      standard ops and the fused kernel, each in fp32 and fp16 (compile.precision). Checks: fp32 embeddings' cosine
#      ≥ 0.9999, fp16 embeddings within 5e-3 of the CPU's fp32 in every component, every variant on CUDA in the
#      precision asked, the fused ones with longdoc.SparseAttention on CUDA (the placement check of model load). Each
#      length is timed (median of --runs after a warm-up): ms/doc, tokens/s, TFLOP/s and the share of the GPU's peak
#      (dense fp16 tensor-core peak for fp16 rows, fp32 peak for fp32 rows; known for A100, H100/H200, L4, L40S, or
#      given with --peak-fp16-tflops/--peak-fp32-tflops), then fused ÷ standard at each length.
# Prints one table; exit 0 when both steps pass, 1 when a check fails, 2 when there is no NVIDIA GPU.
#
#   bash bench/gpu-check.sh [--lengths 512,4096,16384] [--runs 3] [--corpus bench/data/sotu.jsonl.gz]
#                           [--peak-fp16-tflops N] [--peak-fp32-tflops N]
#
# Needs: nvcc (CUDA 12 or 13 toolkit), the NVIDIA driver, and the CUDA 12 + cuDNN 9 runtime libraries on the library
# path (README, "GPU zip"); Maven resolves com.microsoft.onnxruntime:onnxruntime_gpu:1.29.0 (≈ 640 MB) from Central or
# ~/.m2, and CMake fetches ONNX Runtime's headers with npm once — without network, prime both first (README).
# Budget: under 10 minutes on one GPU (the Maven build ≈ 1–2 min, the kernel build and check ≈ 2 min, the model in
# five compiled variants ≈ 3 min).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/target/gpu-check
lengths=512,4096,16384
runs=3
corpus=bench/data/sotu.jsonl.gz
peak_fp16=
peak_fp32=
while [ $# -gt 0 ]; do
  case "$1" in
    --lengths) lengths=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --peak-fp16-tflops) peak_fp16=$2; shift 2 ;;
    --peak-fp32-tflops) peak_fp32=$2; shift 2 ;;
    *) echo "unknown option [$1]; usage: bash bench/gpu-check.sh [--lengths 512,4096,16384] [--runs 3] [--corpus FILE] [--peak-fp16-tflops N] [--peak-fp32-tflops N]" >&2; exit 64 ;;
  esac
done

if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "no NVIDIA GPU (nvidia-smi finds none): bench/gpu-check.sh needs one" >&2
  exit 2
fi
nvidia-smi -L
# Dense peaks from NVIDIA's data sheets (fp16 tensor cores without sparsity; fp32 without TF32, which the CUDA sessions
# turn off); the SXM figures for H100/H200 — a PCIe card's are lower, pass --peak-*-tflops for it.
gpu_name=$(nvidia-smi --query-gpu=name --format=csv,noheader -i 0 2>/dev/null || true)
case "$gpu_name" in
  *H100*|*H200*) default_fp16=989; default_fp32=67 ;;
  *A100*) default_fp16=312; default_fp32=19.5 ;;
  *L40S*) default_fp16=362; default_fp32=91.6 ;;
  *L4*) default_fp16=121; default_fp32=30.3 ;;
  *) default_fp16=0; default_fp32=0 ;;
esac
peak_fp16=${peak_fp16:-$default_fp16}
peak_fp32=${peak_fp32:-$default_fp32}
echo "GPU 0: ${gpu_name:-unknown}; peak TFLOP/s used for the share: fp16 $peak_fp16, fp32 $peak_fp32 (0 = unknown)"
source .ci/java-home.sh
jobs=$(nproc)
mkdir -p "$out"

step() { echo "[gpu-check $(date -u +%H:%M:%S)] $*"; }

# The Java side, the CPU onnx-ops library and ORT's headers (from npm, into onnx-ops/target/ort-headers), and the GPU
# zip's ONNX Runtime natives (the longdoc-gpu profile unpacks them). The CUDA library is built in step 1 for the GPU
# present, faster than the profile's two architectures.
step "maven: compile, CPU ops library, onnxruntime_gpu natives"
# (the bench module's package: its classpath file; the GPU zip itself is not assembled here)
mvn -B -q -ntp -Plongdoc-gpu -Dlongdoc.cuda=OFF -Dassembly.skipAssembly=true -pl bench -am package -DskipTests

step "1/2 CUDA kernel against the CPU kernel (onnx-ops/test/run_cuda_check.sh)"
kernel=ok
CUDA_ARCHS=native BUILD_DIR=$out/onnx-ops JOBS=$jobs LONGDOC_ORT_HEADERS_DIR=$root/onnx-ops/target/ort-headers \
  bash onnx-ops/test/run_cuda_check.sh >"$out/kernel-check.log" 2>&1 || kernel=FAIL
tail -n 15 "$out/kernel-check.log"

step "2/2 the default model on CUDA against the CPU"
natives=$out/native
rm -rf "$natives" && mkdir -p "$natives"
# ORT opens its provider libraries from the folder of libonnxruntime.so, as in the plugin's native/linux-x64
ln -s "$root"/target/natives/onnxruntime-gpu/ai/onnxruntime/native/linux-x64/*.so "$natives"/
model=ok
if [ -f "$out/onnx-ops/liblongdoc_ops_cuda.so" ]; then
  LONGDOC_BUILD=0 JAVA_OPTS="-Donnxruntime.native.path=$natives" bash bench/java.sh io.longdoc.bench.GpuCheck \
    --ops-cpu "$root/onnx-ops/target/liblongdoc_ops.so" --ops-cuda "$out/onnx-ops/liblongdoc_ops_cuda.so" \
    --specs "$root/src/main/models" --sources "$root/target/model-sources" --corpus "$root/$corpus" --work "$out/work" \
    --lengths "$lengths" --runs "$runs" --peak-fp16-tflops "$peak_fp16" --peak-fp32-tflops "$peak_fp32" \
    | tee "$out/model-check.log" || model=FAIL
else
  echo "liblongdoc_ops_cuda.so was not built (see $out/kernel-check.log)" >&2
  model=FAIL
fi

echo
echo "gpu-check: CUDA kernel = CPU kernel (fp32 ≤ 1e-4, fp16 ≤ 5e-3): $kernel; model on CUDA = CPU (fp32 cosine ≥ 0.9999, fp16 ≤ 5e-3, fused op on CUDA; the table above): $model"
[ "$kernel" = ok ] && [ "$model" = ok ]
