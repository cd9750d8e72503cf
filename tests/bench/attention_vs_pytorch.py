#!/usr/bin/python3
"""attention_vs_pytorch.py: multi-head attention forward + backward, ours against PyTorch's, in one sitting.

For each length L and thread count it runs, each in a fresh process:
  - torch.nn.MultiheadAttention(512, 8, batch_first=True) called with need_weights=False (in Debian's
    torch 1.13 that is still the bmm-softmax-bmm path with the full weights; the fused
    scaled_dot_product_attention came with torch 2.0), this script's --child mode;
  - our MultiHeadAttention on its plain path (the weights [B, heads, L, L] in memory) and on the O(L)
    path (flash_attention): build/release/tests/bench/bench_attention, one benchmark per process;
with d_model 512, 8 heads, batch 1, self-attention, no mask, no dropout. One repetition is
y = mha(x, x, x) and y.backward(dy) into x and every parameter. It prints one Markdown table:
milliseconds per repetition (median) and the memory rise, the process's peak resident memory
(VmHWM) above its level before the module was made (for PyTorch: after `import torch`; for ours:
when the program started), and the ratios PyTorch / flash.

    ./run bench   (builds bench_attention), then:
    tests/bench/attention_vs_pytorch.py                               # L = 128, 1024, 4096; 1 and 2 threads
    tests/bench/attention_vs_pytorch.py --lengths 128 --threads 1 --min-time 0.5

PyTorch runs in the environment step_vs_pytorch.py gives it (OpenMP workers that sleep, OpenBLAS's
AVX-512 kernels where the CPU has them). Needs python3-torch for the PyTorch column.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from step_vs_pytorch import pytorch_environment  # noqa: E402


def vmhwm_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return float(line.split()[1]) / 1024.0
    return 0.0


def child(length, threads, min_time):
    """PyTorch's side, in this fresh process: prints one JSON line."""
    import torch

    start = vmhwm_mib()  # the starting level: torch loaded, nothing made yet
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    mha = torch.nn.MultiheadAttention(512, 8, batch_first=True)
    x = torch.randn(1, length, 512, requires_grad=True)
    dy = torch.randn(1, length, 512)

    def once():
        y, _ = mha(x, x, x, need_weights=False)
        y.backward(dy)
        mha.zero_grad(set_to_none=True)
        x.grad = None

    for _ in range(2):
        once()
    times = []
    began = time.perf_counter()
    while len(times) < 3 or time.perf_counter() - began < min_time:
        t0 = time.perf_counter()
        once()
        times.append((time.perf_counter() - t0) * 1e3)
    print(json.dumps({"ms": statistics.median(times), "rss_rise_mib": vmhwm_mib() - start}))


def ours(bench, path, length, threads, min_time):
    """One benchmark of bench_attention in a fresh process: (ms, rss rise MiB, tensors MiB)."""
    name = f"^BM_Attention/{path}/{length}/threads:{threads}/"
    out = subprocess.run([bench, f"--benchmark_filter={name}", f"--benchmark_min_time={min_time}",
                          "--benchmark_format=json"], check=True, capture_output=True, text=True).stdout
    runs = json.loads(out)["benchmarks"]
    if not runs:
        sys.exit(f"attention_vs_pytorch: {bench} ran no benchmark named {name}")
    r = runs[0]
    ms = r["real_time"] if r.get("time_unit") == "ms" else r["real_time"] / 1e6
    return ms, r["rss_rise_MiB"], r["tensors_MiB"]


def pytorch(length, threads, min_time):
    cmd = [sys.executable, os.path.abspath(__file__), "--child", str(length), str(threads), "--min-time",
           str(min_time)]
    done = subprocess.run(cmd, env=pytorch_environment(threads), capture_output=True, text=True)
    if done.returncode != 0:
        print(f"attention_vs_pytorch: PyTorch failed at L = {length}: {done.stderr.strip().splitlines()[-1:]}",
              file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--lengths", type=int, nargs="+", default=[128, 1024, 4096])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--min-time", type=float, default=2.0, help="seconds per measurement (default 2)")
    p.add_argument("--bench", default=os.path.join(ROOT, "build/release/tests/bench/bench_attention"))
    p.add_argument("--child", type=int, nargs=2, metavar=("L", "THREADS"), help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child:
        return child(a.child[0], a.child[1], a.min_time)

    print("| L | threads | PyTorch ms | plain ms | flash ms | PyTorch / flash | PyTorch MiB | plain MiB | "
          "flash MiB | flash / PyTorch memory |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for length in a.lengths:
        for threads in a.threads:
            torch = pytorch(length, threads, a.min_time)
            plain_ms, plain_mib, _ = ours(a.bench, "plain", length, threads, a.min_time)
            flash_ms, flash_mib, _ = ours(a.bench, "flash", length, threads, a.min_time)
            t_ms = f"{torch['ms']:.1f}" if torch else "-"
            t_mib = f"{torch['rss_rise_mib']:.0f}" if torch else "-"
            speed = f"{torch['ms'] / flash_ms:.2f}×" if torch else "-"
            memory = f"{flash_mib / torch['rss_rise_mib']:.2f}" if torch and torch["rss_rise_mib"] > 0 else "-"
            print(f"| {length} | {threads} | {t_ms} | {plain_ms:.1f} | {flash_ms:.1f} | {speed} | {t_mib} | "
                  f"{plain_mib:.0f} | {flash_mib:.0f} | {memory} |", flush=True)


if __name__ == "__main__":
    main()
