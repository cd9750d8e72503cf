#!/usr/bin/python3
"""step_ab.py: two transformer_step binaries, run alternately in one sitting, to show that a change
kept the training step's speed (or to measure what it gained).

    tests/bench/step_ab.py OLD_BINARY NEW_BINARY [--rounds 5] [--presets small,medium] [--threads 1,2]

Each round runs both binaries once per preset and thread count, the order swapped every round so that
neither always runs right after the other. Each run reports the median step time of its own steps;
the table gives the median over the rounds and the ratio new / old. A run's final loss is printed
too: a change that keeps the bits keeps it exactly.
"""
import argparse
import json
import statistics
import subprocess

# Steps per run: enough for a stable median, few enough that a sitting stays short.
STEPS = {"small": ("30", "5"), "medium": ("12", "3"), "base": ("6", "2")}


def run(binary, preset, threads):
    steps, warmup = STEPS[preset]
    out = subprocess.run([binary, "--preset", preset, "--threads", str(threads), "--steps", steps, "--warmup",
                          warmup, "--decode", "0", "--json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--presets", default="small,medium")
    parser.add_argument("--threads", default="1,2")
    args = parser.parse_args()
    cells = [(p, int(t)) for p in args.presets.split(",") for t in args.threads.split(",")]
    times = {(cell, side): [] for cell in cells for side in ("old", "new")}
    losses = {}
    for r in range(args.rounds):
        for cell in cells:
            order = [("old", args.old), ("new", args.new)]
            if r % 2:
                order.reverse()
            for side, binary in order:
                result = run(binary, *cell)
                times[(cell, side)].append(result["ms_step_median"])
                losses[(cell, side)] = result["final_loss"]
    print(f"| preset | threads | old ms/step | new ms/step | new / old | old loss | new loss |")
    print("|---|---|---|---|---|---|---|")
    for cell in cells:
        old, new = (statistics.median(times[(cell, s)]) for s in ("old", "new"))
        print(f"| {cell[0]} | {cell[1]} | {old:.1f} | {new:.1f} | {new / old:.3f} | "
              f"{losses[(cell, 'old')]:.6f} | {losses[(cell, 'new')]:.6f} |")
    print(f"medians of {args.rounds} rounds; per-round ms/step:")
    for cell in cells:
        for side in ("old", "new"):
            print(f"  {cell[0]} {cell[1]}T {side}: " + " ".join(f"{t:.1f}" for t in times[(cell, side)]))


if __name__ == "__main__":
    main()
