#!/bin/sh
# tests/fuzz/ci.sh: a short, reproducible fuzzing pass over the readers of untrusted files, for CI.
#
# Runs the fuzz targets of the sanitizer build (build/sanitize: clang, ASan and UBSan, libFuzzer's
# coverage in the library and the translator), building any that ./run test sanitize has not built;
# `./run test fuzz` installs what is missing, configures build/sanitize and runs this script. For each
# target it replays the seed corpus, then runs a fixed number of new inputs from a fixed seed, so the
# same commit always tries the same inputs:
#   fuzz_safetensors      the safetensors reader (seeds tests/fuzz/corpus)
#   fuzz_load_state_dict  a file's tensors loaded into a model and an optimizer (corpus_state_dict)
#   fuzz_json             the JSON parser and writer under the header (corpus_json)
#   fuzz_run_config       a translator run's settings read back from a checkpoint (corpus_run_config)
#   fuzz_tokeniser_files  a run's vocabulary and BPE files read back (corpus_tokeniser)
#   fuzz_text_readers     the TSV, parallel-text and history.tsv readers (corpus_text)
#   fuzz_command_line     the translator's command-line parser and its bounds (corpus_command_line)
# The targets run side by side on the cores. FUZZ_RUNS scales every budget (a factor, default 1).
# Longer sessions: see the comment at the top of each target.
set -eu
cd "$(dirname "$0")/../.."
SCALE=${FUZZ_RUNS:-1}
BUILD=build/sanitize

if ! grep -qs '^SF_FUZZ:BOOL=ON' $BUILD/CMakeCache.txt; then
  echo "fuzz: $BUILD is not configured with the fuzz targets; ./run test fuzz configures it and runs this" >&2
  exit 1
fi
cmake --build $BUILD -j "$(nproc 2>/dev/null || echo 2)" --target fuzz_safetensors fuzz_load_state_dict \
  fuzz_json fuzz_run_config fuzz_tokeniser_files fuzz_text_readers fuzz_command_line >/dev/null

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# fuzz TARGET RUNS SEED_DIR...: replays the seeds, then RUNS generated inputs from seed 1. Each target
# runs on one thread; the script starts them all at once and waits for each (they share the cores),
# so a target's output and failure are its own: its log in $scratch, its status from wait.
fuzz() {
  target=$1
  runs=$(($2 * SCALE))
  shift 2
  fuzzer=$BUILD/tests/fuzz/$target
  log="$scratch/$target.log"
  for dir in "$@"; do
    "$fuzzer" "$dir"/* >"$log" 2>&1 || {
      tail -40 "$log" >&2
      echo "fuzz: $target FAILED on a seed of $dir (replay: $fuzzer $dir/*)" >&2
      return 1
    }
  done
  mkdir -p "$scratch/$target"
  if ! "$fuzzer" "$scratch/$target" "$@" -dict=tests/fuzz/safetensors.dict -seed=1 -runs="$runs" \
       -max_len=4096 -malloc_limit_mb=512 -artifact_prefix=$BUILD/ >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzz: $target FAILED; the input was saved as $BUILD/crash-* (replay: $fuzzer <that file>)" >&2
    return 1
  fi
  seeds=$(for dir in "$@"; do ls "$dir"; done | wc -l)
  echo "fuzz: $target: $seeds seeds and $runs generated inputs, no crash"
}

pids=""
fuzz fuzz_safetensors 200000 tests/fuzz/corpus & pids="$pids $!"
fuzz fuzz_load_state_dict 100000 tests/fuzz/corpus_state_dict tests/fuzz/corpus & pids="$pids $!"
fuzz fuzz_json 200000 tests/fuzz/corpus_json & pids="$pids $!"
fuzz fuzz_run_config 100000 tests/fuzz/corpus_run_config & pids="$pids $!"
fuzz fuzz_tokeniser_files 50000 tests/fuzz/corpus_tokeniser & pids="$pids $!"
fuzz fuzz_text_readers 50000 tests/fuzz/corpus_text & pids="$pids $!"
fuzz fuzz_command_line 100000 tests/fuzz/corpus_command_line & pids="$pids $!"
status=0
for pid in $pids; do wait "$pid" || status=1; done
exit $status
