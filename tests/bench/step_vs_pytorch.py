#!/usr/bin/python3
"""step_vs_pytorch.py: our training step and generation against PyTorch's, in one sitting.

For each preset and thread count it runs build/release/tests/bench/transformer_step and the PyTorch
peer (peers/torch_transformer_step.py) back to back, with the same configuration. Once per sitting it
also measures the machine with the peers' own programs: the FMA peak (peak_flops.cpp), the stream
bandwidth (mem_bw.cpp, triad) and OpenBLAS's sgemm rate on transformer-shaped products
(sgemm_peer.cpp). It prints two Markdown tables.

The training step: ms per step (ours, PyTorch, the ratio), the floor (the step's matmul FLOPs over the
FMA peak) and how far above it we are, the time those FLOPs would take at OpenBLAS's rate (what the
products alone cost with a good library on this machine, everything else free), and peak resident
memory.

Greedy decoding one sentence at a time: ours, PyTorch's, and the memory floor, the weight matrices
decoding must read (transformer_step's decode_weight_mb) over the stream bandwidth of that many threads.

The peers are measuring tools, not part of scratchformer: they live beside the project (../shared/peers
in the development checkout; pass --peers DIR elsewhere) and need PyTorch:
    apt-get install -y python3-torch python3-numpy libopenblas-dev

    ./run bench-step                                   # small, medium, base at 1 and 2 threads
    tests/bench/step_vs_pytorch.py --presets small --threads 1
    tests/bench/step_vs_pytorch.py --batch 64 --src-len 10 --tgt-len 9 --vocab 388 --presets small

PyTorch runs in the environment that makes it fastest on this machine (peers/README.md): OpenMP
workers that sleep instead of spinning, glibc malloc that keeps freed memory, and, on CPUs with
AVX-512, OpenBLAS's SkylakeX kernels (this OpenBLAS picks its AVX2 Haswell kernels on Zen 5 by
default, at half the speed; some environments even set OPENBLAS_CORETYPE=Haswell, which this script
overrides unless given --keep-coretype). Other settings already in the environment are kept.
"""
import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile

KEEP_CORETYPE = False
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def pytorch_environment(threads):
    env = dict(os.environ)
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    env.setdefault("GLIBC_TUNABLES",
                   "glibc.malloc.mmap_threshold=4294967296:glibc.malloc.trim_threshold=4294967296")
    with open("/proc/cpuinfo") as f:
        if " avx512f" in f.read() and not KEEP_CORETYPE:
            env["OPENBLAS_CORETYPE"] = "SkylakeX"  # even over a Haswell set in the environment: it is faster
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    env["OMP_NUM_THREADS"] = str(threads)
    return env


def measure_peak(peers):
    """The best 1- and 2-thread FMA rates peak_flops reports, in GFLOP/s."""
    exe = os.path.join(tempfile.gettempdir(), "sf_peak_flops")
    subprocess.run(["g++", "-O3", "-march=native", "-pthread", os.path.join(peers, "peak_flops.cpp"), "-o", exe],
                   check=True)
    out = subprocess.run([exe, "0.3"], check=True, capture_output=True, text=True).stdout
    m = re.search(r"peak 1 thread: ([\d.]+) GFLOP/s;\s+peak 2 threads: ([\d.]+)", out)
    if not m:
        sys.exit("step_vs_pytorch: could not read peak_flops's output:\n" + out)
    return {1: float(m.group(1)), 2: float(m.group(2))}


def build_peer(peers, source, exe_name, libs=()):
    exe = os.path.join(tempfile.gettempdir(), exe_name)
    subprocess.run(["g++", "-O3", "-march=native", "-std=c++17", "-pthread", os.path.join(peers, source), "-o", exe]
                   + list(libs), check=True)
    return exe


def measure_bandwidth(peers):
    """The stream triad's GB/s on 1 and 2 threads, arrays far larger than the caches (mem_bw.cpp)."""
    out = subprocess.run([build_peer(peers, "mem_bw.cpp", "sf_mem_bw")], check=True, capture_output=True,
                         text=True).stdout
    rates = {int(m.group(1)): float(m.group(2)) for m in re.finditer(r"^triad\s+(\d)\s+([\d.]+)", out, re.M)}
    if 1 not in rates or 2 not in rates:
        sys.exit("step_vs_pytorch: could not read mem_bw's triad lines:\n" + out)
    return rates


def measure_openblas(peers, thread_counts):
    """OpenBLAS's GFLOP/s for each thread count on the transformer-shaped products of sgemm_peer.cpp
    (its fwd/bwd rows): the median over the shapes of each shape's best sample."""
    exe = build_peer(peers, "sgemm_peer.cpp", "sf_sgemm_peer", ["-lopenblas"])
    rates = {}
    for threads in thread_counts:
        out = subprocess.run([exe, "--quick", "--csv"], env=pytorch_environment(threads), check=True,
                             capture_output=True, text=True).stdout
        rows = list(csv.DictReader(io.StringIO(out)))
        best = sorted(float(r["gflops_max"]) for r in rows if r["shape"].startswith(("fwd", "bwd")))
        if not best:
            sys.exit("step_vs_pytorch: could not read sgemm_peer's output:\n" + out)
        rates[threads] = best[len(best) // 2]
    return rates


def last_json_line(text, who):
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    sys.exit(f"step_vs_pytorch: {who} printed no JSON line:\n{text}")


def run(cmd, env, who):
    print("$", " ".join(cmd), file=sys.stderr, flush=True)
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"step_vs_pytorch: {who} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return last_json_line(p.stdout, who)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peers", default=os.path.join(os.path.dirname(ROOT), "shared", "peers"))
    ap.add_argument("--presets", default="small,medium,base")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--src-len", type=int, default=24)
    ap.add_argument("--tgt-len", type=int, default=24)
    ap.add_argument("--vocab", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=30, help="timed steps (after warm-up) for each side")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--decode", type=int, default=100, help="sentences to decode (0: skip)")
    ap.add_argument("--keep-coretype", action="store_true", help="leave OPENBLAS_CORETYPE as the environment has it")
    a = ap.parse_args()
    global KEEP_CORETYPE
    KEEP_CORETYPE = a.keep_coretype

    ours_exe = os.path.join(ROOT, "build", "release", "tests", "bench", "transformer_step")
    peer = os.path.join(a.peers, "torch_transformer_step.py")
    if not os.path.exists(ours_exe):
        sys.exit(f"step_vs_pytorch: {ours_exe} is missing; build it with ./run bench-step or "
                 "cmake --build build/release --target transformer_step")
    if not os.path.exists(peer):
        sys.exit(f"step_vs_pytorch: no PyTorch peer at {peer}; pass --peers DIR")

    peak = measure_peak(a.peers)
    bandwidth = measure_bandwidth(a.peers)
    thread_counts = [int(t) for t in a.threads.split(",")]
    openblas = measure_openblas(a.peers, thread_counts)
    shape = ["--batch", str(a.batch), "--src-len", str(a.src_len), "--tgt-len", str(a.tgt_len),
             "--vocab", str(a.vocab), "--steps", str(a.steps), "--warmup", str(a.warmup),
             "--decode", str(a.decode), "--json"]
    rows = []
    for preset in a.presets.split(","):
        for threads in thread_counts:
            args = ["--preset", preset, "--threads", str(threads)] + shape
            ours = run([ours_exe] + args, dict(os.environ), "transformer_step")
            torch = run(["/usr/bin/python3", peer] + args, pytorch_environment(threads), "the PyTorch peer")
            rows.append((preset, threads, ours, torch))

    print(f"\nMeasured in this sitting: FMA peak {peak[1]:.1f} GFLOP/s on 1 thread, {peak[2]:.1f} on 2; "
          f"stream triad {bandwidth[1]:.1f} GB/s on 1 thread, {bandwidth[2]:.1f} on 2; OpenBLAS sgemm on "
          + ", ".join(f"{t} thread{'s' if t > 1 else ''} {openblas[t]:.1f} GFLOP/s" for t in thread_counts)
          + f". Batch {a.batch}, source {a.src_len} and target {a.tgt_len} tokens, vocabulary {a.vocab}.\n")
    print("| preset | threads | ours ms/step | PyTorch ms/step | PyTorch/ours | floor ms | ours/floor "
          "| at OpenBLAS's rate ms | ours/that | ours peak MiB | PyTorch peak MiB | memory ours/PyTorch |")
    print("|---" * 12 + "|")
    for preset, threads, ours, torch in rows:
        floor_ms = ours["step_gflop"] / peak[threads] * 1e3
        blas_ms = ours["step_gflop"] / openblas[threads] * 1e3
        print(f"| {preset} | {threads} | {ours['ms_step_median']:.1f} | {torch['ms_step_median']:.1f} | "
              f"{torch['ms_step_median'] / ours['ms_step_median']:.2f}× | {floor_ms:.1f} | "
              f"{ours['ms_step_median'] / floor_ms:.2f} | {blas_ms:.1f} | {ours['ms_step_median'] / blas_ms:.2f} | "
              f"{ours['rss_after_train_mib']:.0f} | {torch['rss_after_train_mib']:.0f} | "
              f"{ours['rss_after_train_mib'] / torch['rss_after_train_mib']:.2f} |")
    print("\nPeak memory is the process's peak resident set after training (before decoding), for PyTorch "
          "with the interpreter and the import included, as its peer measures it. The floor is the step's "
          "matmul FLOPs (the peer's count) over the FMA peak of that many threads; \"at OpenBLAS's rate\" "
          "is the same FLOPs over OpenBLAS's rate above.")
    if a.decode > 0:
        print(f"\nGreedy decoding of {a.decode} sentences of {a.tgt_len} tokens, one at a time (KV cache):\n")
        print("| preset | threads | ours s | PyTorch s | PyTorch/ours | weights read GB | floor s | ours/floor |")
        print("|---" * 8 + "|")
        for preset, threads, ours, torch in rows:
            floor_s = ours["decode_weight_mb"] / 1e3 / bandwidth[threads]
            print(f"| {preset} | {threads} | {ours['decode_one_at_a_time_s']:.3f} | "
                  f"{torch['decode_one_at_a_time_s']:.3f} | "
                  f"{torch['decode_one_at_a_time_s'] / ours['decode_one_at_a_time_s']:.1f}× | "
                  f"{ours['decode_weight_mb'] / 1e3:.2f} | {floor_s:.3f} | "
                  f"{ours['decode_one_at_a_time_s'] / floor_s:.2f} |")
        print("\nThe decoding floor: the weight matrices decoding must read (the encoder once per sentence, "
              "the decoder's and the output projection once per token) over the stream bandwidth of that "
              "many threads. The small models' weights fit in the caches, so their floor is only a bound.")

if __name__ == "__main__":
    main()
