#!/bin/sh
# tests/fuzz/ci.sh: a short, reproducible fuzzing pass over the safetensors reader, for CI.
#
# Builds fuzz_safetensors with clang (-DSF_FUZZ=ON, in build/fuzz), replays the seed corpus in
# tests/fuzz/corpus, then runs a fixed number of new inputs from a fixed seed, so the same commit
# always tries the same inputs (about 10 s). Longer sessions: see tests/fuzz/fuzz_safetensors.cpp.
# Installs clang and libFuzzer when missing and run as root, as ./run does for its packages.
set -eu
cd "$(dirname "$0")/../.."
RUNS=${FUZZ_RUNS:-200000}

if ! command -v clang++ >/dev/null 2>&1 || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "fuzz: installing clang and libFuzzer"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
  else
    echo "fuzz: clang with libFuzzer is missing; install it with: sudo apt-get install -y clang libclang-rt-14-dev" >&2
    exit 1
  fi
fi

[ -f build/fuzz/CMakeCache.txt ] ||
  cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSF_FUZZ=ON \
    -DSF_BUILD_TESTS=OFF -DSF_BUILD_EXAMPLES=OFF -DSF_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build/fuzz -j "$(nproc 2>/dev/null || echo 2)" --target fuzz_safetensors >/dev/null

fuzzer=build/fuzz/tests/fuzz/fuzz_safetensors
"$fuzzer" tests/fuzz/corpus/* >/dev/null 2>&1 || { "$fuzzer" tests/fuzz/corpus/*; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if ! "$fuzzer" "$scratch" tests/fuzz/corpus -dict=tests/fuzz/safetensors.dict -seed=1 -runs="$RUNS" \
     -max_len=4096 -malloc_limit_mb=512 -artifact_prefix=build/fuzz/ >"$scratch/log" 2>&1; then
  tail -40 "$scratch/log" >&2
  echo "fuzz: FAILED; the input was saved as build/fuzz/crash-* (replay: $fuzzer <that file>)" >&2
  exit 1
fi
echo "fuzz: $(ls tests/fuzz/corpus | wc -l) seeds and $RUNS generated inputs, no crash"
