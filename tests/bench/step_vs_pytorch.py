#!/usr/bin/python3
"""step_vs_pytorch.py: our training step and generation against PyTorch's, in one sitting.

For each preset and thread count it runs build/release/tests/bench/transformer_step and the PyTorch
peer (peers/torch_transformer_step.py) back to back, with the same configuration, and measures the
machine's FMA peak once with peers/peak_flops.cpp. It prints one Markdown table: ms per step (ours,
PyTorch, the ratio), the physical floor (the step's matmul FLOPs over the measured peak) and how far
above it we are, peak resident memory, and greedy decoding one sentence at a time.

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
    shape = ["--batch", str(a.batch), "--src-len", str(a.src_len), "--tgt-len", str(a.tgt_len),
             "--vocab", str(a.vocab), "--steps", str(a.steps), "--warmup", str(a.warmup),
             "--decode", str(a.decode), "--json"]
    rows = []
    for preset in a.presets.split(","):
        for threads in [int(t) for t in a.threads.split(",")]:
            args = ["--preset", preset, "--threads", str(threads)] + shape
            ours = run([ours_exe] + args, dict(os.environ), "transformer_step")
            torch = run(["/usr/bin/python3", peer] + args, pytorch_environment(threads), "the PyTorch peer")
            rows.append((preset, threads, ours, torch))

    print(f"\nFMA peak measured now: {peak[1]:.1f} GFLOP/s on 1 thread, {peak[2]:.1f} on 2. "
          f"batch {a.batch}, source {a.src_len} and target {a.tgt_len} tokens, vocabulary {a.vocab}.\n")
    print("| preset | threads | ours ms/step | PyTorch ms/step | PyTorch/ours | floor ms | ours/floor "
          "| ours peak MiB | PyTorch peak MiB | memory ours/PyTorch | decode 1-at-a-time ours s | PyTorch s "
          "| PyTorch/ours |")
    print("|---" * 13 + "|")
    for preset, threads, ours, torch in rows:
        floor_ms = ours["step_gflop"] / peak[threads] * 1e3
        dec = ""
        if a.decode > 0:
            dec = (f"{ours['decode_one_at_a_time_s']:.3f} | {torch['decode_one_at_a_time_s']:.3f} | "
                   f"{torch['decode_one_at_a_time_s'] / ours['decode_one_at_a_time_s']:.1f}×")
        else:
            dec = "- | - | -"
        print(f"| {preset} | {threads} | {ours['ms_step_median']:.1f} | {torch['ms_step_median']:.1f} | "
              f"{torch['ms_step_median'] / ours['ms_step_median']:.2f}× | {floor_ms:.1f} | "
              f"{ours['ms_step_median'] / floor_ms:.2f} | {ours['rss_after_train_mib']:.0f} | "
              f"{torch['rss_after_train_mib']:.0f} | {ours['rss_after_train_mib'] / torch['rss_after_train_mib']:.2f} | {dec} |")
    print("\nPeak memory is the process's peak resident set after training (before decoding), for PyTorch "
          "with the interpreter and the import included, as its peer measures it. The floor is the step's "
          "matmul FLOPs (the peer's count) over the FMA peak of that many threads.")


if __name__ == "__main__":
    main()
