#!/usr/bin/env bash
# The GPU path end to end, on a machine with an NVIDIA GPU, from a copy of the working tree with nothing built:
#   1. the CUDA sparse-attention kernel against the CPU kernel (onnx-ops/test/run_cuda_check.sh: every C++ test,
#      fp32 and fp16, built for the GPU present). Needs only nvcc, CMake and ONNX Runtime's C headers, so it runs first,
#      before anything that needs Java, Maven or the network;
#   2. the GPU zip, built the documented way (mvn -Plongdoc-gpu package: onnxruntime_gpu, the CUDA op library for
#      sm_80/sm_90, the zip itself);
#   3. the default model (bge-small-en-v1.5, longified to 16k) on ONNX Runtime's CUDA provider, with the natives taken
#      out of that zip (onnxruntime_gpu's, liblongdoc_ops_cuda.so), against the CPU, on text from bench/data, in four
#      variants: standard ops and the fused kernel, each in fp32 and fp16 (compile.precision). Checks: fp32 embeddings'
#      cosine ≥ 0.9999, fp16 embeddings within 5e-3 of the CPU's fp32 in every component, every variant on CUDA in the
#      precision asked, the fused ones with longdoc.SparseAttention on CUDA (the placement check of model load). Each
#      length is timed (median of --runs after a warm-up): ms/doc, tokens/s, TFLOP/s and the share of the GPU's peak
#      (dense fp16 tensor-core peak for fp16 rows, fp32 peak for fp32 rows; known for A100, H100/H200, L4, L40S, or
#      given with --peak-fp16-tflops/--peak-fp32-tflops), then fused ÷ standard at each length.
# Prints the model table, then one summary table of the three steps. Exit 0 when all pass; 1 when a check fails;
# 2 when there is no NVIDIA GPU (or nvcc); 3 when a step could not run here (no JDK 21+, no Maven, Maven could not
# resolve its dependencies, no CUDA 12 / cuDNN 9 libraries for ONNX Runtime): the summary names what is missing.
#
#   bash bench/gpu-check.sh [--lengths 512,4096,16384] [--runs 3] [--corpus bench/data/sotu.jsonl.gz]
#                           [--peak-fp16-tflops N] [--peak-fp32-tflops N] [--dry-run]
#
# --dry-run: for a machine without GPU. Skips step 1 and the GPU checks, builds the zip as above and runs step 3 with
# GpuCheck --against auto (the "device" side falls back to the CPU, fp16 runs as fp32): a check of this script and
# its harness, not of the GPU. Use small --lengths.
#
# Needs: the NVIDIA driver and nvcc (CUDA 12 or 13 toolkit; a zip built with CUDA 13 needs driver ≥ 580, README "GPU
# zip"), CMake, a JDK 21+ and Maven, and the CUDA 12 + cuDNN 9 runtime libraries on the loader path for step 3.
# Network: Maven resolves com.microsoft.onnxruntime:onnxruntime_gpu:1.29.0 (≈ 640 MB), Elasticsearch and the model
# from Maven Central or ~/.m2, and CMake fetches ONNX Runtime's headers with npm once unless onnx-ops/target/ort-headers
# is there. On a machine without network, bring onnx-ops/target/ort-headers (1 MB) for step 1, and a primed ~/.m2 for
# steps 2 and 3 (README, "Benchmarks").
# Budget: under 10 minutes on one GPU with 16 cores (estimated, not yet measured: kernel build and check ≈ 2 min, the
# Maven build with the zip ≈ 2–3 min, the model in five compiled variants ≈ 3 min).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/target/gpu-check
lengths=512,4096,16384
runs=3
corpus=bench/data/sotu.jsonl.gz
peak_fp16=
peak_fp32=
dry_run=false
usage="usage: bash bench/gpu-check.sh [--lengths 512,4096,16384] [--runs 3] [--corpus FILE] [--peak-fp16-tflops N] [--peak-fp32-tflops N] [--dry-run]"
while [ $# -gt 0 ]; do
  case "$1" in
    --lengths) lengths=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --peak-fp16-tflops) peak_fp16=$2; shift 2 ;;
    --peak-fp32-tflops) peak_fp32=$2; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    *) echo "unknown option [$1]; $usage" >&2; exit 64 ;;
  esac
done

step() { echo "[gpu-check $(date -u +%H:%M:%S)] $*"; }
started=$(date +%s)
mkdir -p "$out"

# Whether the dynamic loader finds a library by its soname, as it will for ONNX Runtime's CUDA provider (which has no
# RUNPATH): LD_LIBRARY_PATH, then the ldconfig cache.
find_library() {
  local dir
  local IFS=:
  for dir in ${LD_LIBRARY_PATH:-}; do
    [ -n "$dir" ] && [ -e "$dir/$1" ] && return 0
  done
  { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true; } | awk '{print $1}' | grep -qxF "$1"
}

if [ "$dry_run" = true ]; then
  echo "DRY RUN: no GPU needed; step 1 is skipped and step 3 runs the device side on the CPU (GpuCheck --against auto)"
  gpu_name="none (dry run)"
  peak_fp16=${peak_fp16:-0}
  peak_fp32=${peak_fp32:-0}
else
  if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >/dev/null 2>&1; then
    echo "no NVIDIA GPU (nvidia-smi finds none): bench/gpu-check.sh needs one (--dry-run checks the script without)" >&2
    exit 2
  fi
  nvidia-smi -L
  nvidia-smi --query-gpu=driver_version --format=csv,noheader -i 0 2>/dev/null | sed 's/^/driver: /' || true
  # Dense peaks from NVIDIA's data sheets (fp16 tensor cores without sparsity; fp32 without TF32, which the CUDA
  # sessions turn off); the SXM figures for H100/H200 — a PCIe card's are lower, pass --peak-*-tflops for it.
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
fi
echo "GPU 0: ${gpu_name:-unknown}; peak TFLOP/s used for the share: fp16 $peak_fp16, fp32 $peak_fp32 (0 = unknown)"
# nvcc for step 1 and for the zip's CUDA library (CMake looks on the PATH): also where CUDA installs it
if ! command -v nvcc >/dev/null; then
  nvcc_dir=$(ls -d /usr/local/cuda/bin /usr/local/cuda-*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$nvcc_dir" ] && [ -x "$nvcc_dir/nvcc" ]; then
    export PATH="$nvcc_dir:$PATH"
  elif [ "$dry_run" = false ]; then
    echo "nvcc not found (on the PATH or in /usr/local/cuda*/bin): the CUDA kernel is compiled here, install a CUDA 12 or 13 toolkit" >&2
    exit 2
  fi
fi
jobs=$(nproc)

# ---- 1. the CUDA kernel against the CPU kernel (nvcc, CMake and the headers only) ----
kernel="NOT RUN"
kernel_detail=""
if [ "$dry_run" = true ]; then
  kernel_detail="dry run: needs a GPU"
else
  step "1/3 CUDA kernel against the CPU kernel (onnx-ops/test/run_cuda_check.sh, log $out/kernel-check.log)"
  headers=()
  if [ -f "$root/onnx-ops/target/ort-headers/onnxruntime_c_api.h" ]; then
    headers=(LONGDOC_ORT_HEADERS_DIR="$root/onnx-ops/target/ort-headers")
  fi
  if env "${headers[@]}" CUDA_ARCHS=native BUILD_DIR="$out/onnx-ops" JOBS="$jobs" \
      bash onnx-ops/test/run_cuda_check.sh >"$out/kernel-check.log" 2>&1; then
    kernel=ok
  else
    rc=$?
    kernel=FAIL
    # no GPU or nvcc (exit 2), or no npm / network for the headers: not a verdict on the kernel
    if [ $rc -eq 2 ] || grep -qE 'npm is needed|npm pack .* failed' "$out/kernel-check.log"; then
      kernel="NOT RUN"
    fi
  fi
  # ctest's verdict when it ran, else the first error that says something (CMake's "CMake Error in X:" lines do not)
  kernel_detail="$(grep -E 'tests passed' "$out/kernel-check.log" | tail -n 1 || true)"
  [ -n "$kernel_detail" ] || kernel_detail="$(grep -E 'nvcc not found|no NVIDIA GPU|no GPU|npm|FATAL|[Ee]rror' "$out/kernel-check.log" | grep -v ':$' | head -n 1 | sed 's/^ *//' | cut -c1-300 || true)"
  tail -n 15 "$out/kernel-check.log"
fi

# ---- 2. the GPU zip, the documented way ----
zip_state="NOT RUN"
zip_detail=""
model="NOT RUN"
model_detail=""
java_ok=true
( source .ci/java-home.sh ) >/dev/null 2>"$out/java-home.err" || java_ok=false
if [ "$java_ok" = false ]; then
  zip_detail="no JDK 21+: $(cat "$out/java-home.err")"
elif ! command -v mvn >/dev/null; then
  zip_detail="no mvn on the PATH (Maven 3.9)"
else
  source .ci/java-home.sh
  step "2/3 the GPU zip: mvn -Plongdoc-gpu package (bench and what it needs; log $out/maven.log)"
  # the bench module's package writes its classpath file; its -am builds onnx-ops (CUDA for sm_80/sm_90) and the zip
  if mvn -B -ntp -Plongdoc-gpu -pl bench -am package -DskipTests >"$out/maven.log" 2>&1; then
    gpu_zip=$(ls -t "$root"/target/longdoc-*-gpu-cuda12.zip 2>/dev/null | head -n 1)
    if [ -n "$gpu_zip" ]; then
      zip_state=ok
      zip_detail="$(basename "$gpu_zip"), $(du -m "$gpu_zip" | cut -f1) MB"
    else
      zip_state=FAIL
      zip_detail="the build passed but wrote no target/longdoc-*-gpu-cuda12.zip"
    fi
  else
    zip_detail="the Maven build failed (offline without a primed ~/.m2? no nvcc?): $(grep -E '^\[ERROR\]' "$out/maven.log" | head -n 1 | cut -c1-300)"
    grep -E '^\[ERROR\]' "$out/maven.log" | head -n 5 >&2 || true
  fi
fi

# ---- 3. the model on CUDA against the CPU, with the zip's natives ----
if [ "$zip_state" != ok ]; then
  model_detail="needs step 2"
else
  missing=()
  if [ "$dry_run" = false ]; then
    for library in libcudart.so.12 libcublas.so.12 libcublasLt.so.12 libcurand.so.10 libcudnn.so.9 libcuda.so.1; do
      find_library "$library" || missing+=("$library")
    done
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    model_detail="ONNX Runtime 1.29's CUDA provider needs CUDA 12 and cuDNN 9 on the loader path (LD_LIBRARY_PATH or ldconfig); missing here: ${missing[*]}"
  else
    step "3/3 the default model on CUDA against the CPU (log $out/model-check.log)"
    natives=$out/native
    rm -rf "$natives" && mkdir -p "$natives"
    # ORT opens its provider libraries from the folder of libonnxruntime.so, as in the plugin's native/linux-x64
    unzip -q -j -o "$gpu_zip" 'native/linux-x64/*' -d "$natives"
    against=cuda
    [ "$dry_run" = true ] && against=auto
    set +e
    LONGDOC_BUILD=0 JAVA_OPTS="-Donnxruntime.native.path=$natives" bash bench/java.sh io.longdoc.bench.GpuCheck \
      --ops-cpu "$natives/liblongdoc_ops.so" --ops-cuda "$natives/liblongdoc_ops_cuda.so" \
      --specs "$root/src/main/models" --sources "$root/target/model-sources" --corpus "$root/$corpus" --work "$out/work" \
      --lengths "$lengths" --runs "$runs" --peak-fp16-tflops "$peak_fp16" --peak-fp32-tflops "$peak_fp32" --against "$against" \
      2>&1 | tee "$out/model-check.log"
    rc=${PIPESTATUS[0]}
    set -e
    case $rc in
      0) model=ok; model_detail="the table above" ;;
      2) model_detail="$(grep -m 1 'no NVIDIA GPU that ONNX Runtime' "$out/model-check.log" | cut -c1-400)" ;;
      *) model=FAIL; model_detail="$(grep -E '^FAIL:' "$out/model-check.log" | head -n 1 | cut -c1-300)"; [ -n "$model_detail" ] || model_detail="exit $rc, see $out/model-check.log" ;;
    esac
    [ "$dry_run" = true ] && [ "$model" = ok ] && model_detail="dry run: the device side ran on the CPU (auto), not on a GPU"
  fi
fi

elapsed=$(( $(date +%s) - started ))
echo
echo "| gpu-check | result | detail |"
echo "|-----------|--------|--------|"
echo "| 1. CUDA kernel = CPU kernel (fp32 ≤ 1e-4, fp16 ≤ 5e-3) | $kernel | ${kernel_detail:-} |"
echo "| 2. GPU zip (mvn -Plongdoc-gpu package) | $zip_state | ${zip_detail:-} |"
echo "| 3. model on CUDA = CPU (fp32 cosine ≥ 0.9999, fp16 ≤ 5e-3, fused op on CUDA) and timings | $model | ${model_detail:-} |"
echo "GPU: ${gpu_name:-unknown}; $((elapsed / 60)) min $((elapsed % 60)) s in all (budget 10 min); logs in $out"

steps=("$kernel" "$zip_state" "$model")
[ "$dry_run" = true ] && steps=("$zip_state" "$model")
for state in "${steps[@]}"; do
  [ "$state" = FAIL ] && exit 1
done
for state in "${steps[@]}"; do
  [ "$state" = "NOT RUN" ] && exit 3
done
exit 0
