#!/bin/sh
# bpe_vs_sentencepiece.sh: our byte-pair encoding against SentencePiece's, on the same text, in one sitting.
#
# Both learn a BPE vocabulary of the same size from the same training text, then encode the same text.
# SentencePiece is a measuring tool here, not a dependency (Debian's package `sentencepiece`: spm_train,
# spm_encode); run as root, the script installs it with apt-get, otherwise it prints the command.
# Settings that make the comparison fair: byte fallback on (SentencePiece's 256 byte pieces, like ours),
# every character kept (--character_coverage=1.0), no Unicode normalisation (identity: ours keeps the
# text as it is), and the same vocabulary size, which counts the special and byte pieces on both sides.
#
#   tests/bench/bpe_vs_sentencepiece.sh --data DIR               Multi30k en+fr, joint vocabulary of 8000
#   tests/bench/bpe_vs_sentencepiece.sh --data DIR --vocab-size 16000 --repeat 5
#   tests/bench/bpe_vs_sentencepiece.sh --train a.txt --encode b.txt --vocab-size 500   (any text files)
#
# It prints the seconds each takes to learn and (best of --repeat runs) to encode, the encode time ratio
# (ours / SentencePiece: below 1 means ours is faster) and the tokens-per-sentence ratio (ours /
# SentencePiece: below 1 means ours is more compact). Each encoder runs as a program that loads its
# model file, reads the text on stdin and writes pieces on stdout, so both times include that.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=""  # Multi30k's raw files (the README's "Real text: Multi30k" says where to get them)
VOCAB=8000
REPEAT=3
TRAIN=""
ENCODE=""
BUILD="$ROOT/build/release"

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --data) DATA=$2; shift 2 ;;
    --vocab-size) VOCAB=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --train) TRAIN=$2; shift 2 ;;
    --encode) ENCODE=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "bpe_vs_sentencepiece: unknown option $1" >&2; usage ;;
  esac
done

# ---- the measuring tool ----------------------------------------------------------------------------------
if ! command -v spm_train >/dev/null 2>&1 || ! command -v spm_encode >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "bpe_vs_sentencepiece: installing sentencepiece (a measuring tool, not a dependency)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sentencepiece >/dev/null
  else
    echo "bpe_vs_sentencepiece: SentencePiece is missing; install it with:" >&2
    echo "    sudo apt-get install -y sentencepiece" >&2
    exit 1
  fi
fi

# ---- ours ----------------------------------------------------------------------------------------
[ -f "$BUILD/CMakeCache.txt" ] || cmake --preset release -S "$ROOT" >/dev/null
cmake --build "$BUILD" --target ch14_tokenisation >/dev/null
OURS="$BUILD/examples/ch14_tokenisation"

# ---- the text ------------------------------------------------------------------------------------
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ -z "$TRAIN" ]; then
  if [ -z "$DATA" ]; then
    echo "bpe_vs_sentencepiece: give --data DIR (Multi30k's train.en and train.fr) or --train FILE" >&2
    exit 2
  fi
  for f in "$DATA/train.en" "$DATA/train.fr"; do
    [ -f "$f" ] || { echo "bpe_vs_sentencepiece: $f not found (--data DIR or --train FILE)" >&2; exit 1; }
  done
  cat "$DATA/train.en" "$DATA/train.fr" > "$WORK/train.txt"
  TRAIN="$WORK/train.txt"
fi
[ -n "$ENCODE" ] || ENCODE="$TRAIN"
echo "training text: $(wc -l < "$TRAIN") lines; encoded text: $(wc -l < "$ENCODE") lines; vocabulary $VOCAB"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }
less() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a < b)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }

# ---- learning ------------------------------------------------------------------------------------
t0=$(now)
spm_train --input="$TRAIN" --model_prefix="$WORK/spm" --vocab_size="$VOCAB" --model_type=bpe \
  --character_coverage=1.0 --byte_fallback=true --normalization_rule_name=identity \
  --input_sentence_size=0 --num_threads=1 --minloglevel=2 >"$WORK/spm_train.log" 2>&1 ||
  { cat "$WORK/spm_train.log" >&2; exit 1; }
t1=$(now)
"$OURS" learn --vocab-size "$VOCAB" --out "$WORK/ours.bpe" "$TRAIN" 2>"$WORK/ours_learn.log" ||
  { cat "$WORK/ours_learn.log" >&2; exit 1; }
t2=$(now)
spm_learn=$(elapsed "$t0" "$t1")
ours_learn=$(elapsed "$t1" "$t2")
echo "learn:  SentencePiece ${spm_learn} s, ours ${ours_learn} s ($(cat "$WORK/ours_learn.log"))"

# ---- encoding: the best of REPEAT runs each, alternating --------------------------------------------------
best_spm=""
best_ours=""
i=0
while [ "$i" -lt "$REPEAT" ]; do
  t0=$(now)
  spm_encode --model="$WORK/spm.model" --output_format=piece < "$ENCODE" > "$WORK/spm.out"
  t1=$(now)
  "$OURS" encode --model "$WORK/ours.bpe" < "$ENCODE" > "$WORK/ours.out"
  t2=$(now)
  s=$(elapsed "$t0" "$t1")
  o=$(elapsed "$t1" "$t2")
  if [ -z "$best_spm" ] || less "$s" "$best_spm"; then best_spm=$s; fi
  if [ -z "$best_ours" ] || less "$o" "$best_ours"; then best_ours=$o; fi
  i=$((i + 1))
done

# ---- compactness: pieces per line -------------------------------------------------------------------------
spm_tokens=$(awk '{n += NF} END {printf "%.3f", n / NR}' "$WORK/spm.out")
ours_tokens=$(awk '{n += NF} END {printf "%.3f", n / NR}' "$WORK/ours.out")
[ "$(wc -l < "$WORK/spm.out")" = "$(wc -l < "$ENCODE")" ] || { echo "spm_encode lost lines" >&2; exit 1; }
[ "$(wc -l < "$WORK/ours.out")" = "$(wc -l < "$ENCODE")" ] || { echo "ours lost lines" >&2; exit 1; }

echo "encode: SentencePiece ${best_spm} s, ours ${best_ours} s (best of $REPEAT)"
echo "tokens per sentence: SentencePiece ${spm_tokens}, ours ${ours_tokens}"
echo "encode time ratio (ours / SentencePiece): $(ratio "$best_ours" "$best_spm")"
echo "tokens per sentence ratio (ours / SentencePiece): $(ratio "$ours_tokens" "$spm_tokens")"
