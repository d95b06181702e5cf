#!/usr/bin/env python3
"""ganbook against the PyTorch reference GAN, side by side (`make bench TORCH_PY=… REFERENCE_GAN=…`).

For each configuration (DCGAN batch 64, DCGAN batch 16, MLP batch 64) and each round, runs the PyTorch
reference (`reference_gan.py --json`) and then `ganbook bench --json`, one fresh process each, alternating,
so that both see the same machine load. Prints per-round figures and a table of medians; the ratio is the
median of the rounds' ratios (steps/s drifts by tens of percent from minute to minute on shared machines,
so only rounds taken side by side compare).

Both run with 2 threads and with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed from their environment.
Needs only the standard library; torch is needed by the reference script, never by the test suite.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

CONFIGS = [("dcgan", 64), ("dcgan", 16), ("mlp", 64)]


def clean_env():
    env = dict(os.environ)
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(name, None)
    return env


def run_json(command, marker=None):
    """Runs a command and returns the JSON object it printed (after `marker`, or a line starting with '{')."""
    out = subprocess.run(command, env=clean_env(), capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if marker and line.startswith(marker):
            return json.loads(line[len(marker):])
        if not marker and line.startswith("{"):
            return json.loads(line)
    raise SystemExit(f"no result from {' '.join(command)}:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ganbook", required=True, help="the ganbook executable")
    p.add_argument("--torch-python", required=True, help="a Python with torch")
    p.add_argument("--reference", required=True, help="reference_gan.py")
    p.add_argument("--mnist5k", default=None, help="mnist_5k.csv.gz for the reference (default: its Fashion-MNIST)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--steps", type=int, default=60)
    args = p.parse_args()

    rows = []
    for arch, batch in CONFIGS:
        torch_runs, ours = [], []
        for r in range(args.rounds):
            ref = [args.torch_python, args.reference, "--arch", arch, "--batch", str(batch), "--steps", str(args.steps),
                   "--threads", "2", "--json"]
            if args.mnist5k:
                ref += ["--data", "mnist5k", "--mnist5k-path", args.mnist5k]
            t = run_json(ref, marker="RESULT_JSON ")
            g = run_json([args.ganbook, "bench", "--arch", arch, "--batch", str(batch), "--steps", str(args.steps),
                          "--threads", "2", "--json"])
            torch_runs.append(t)
            ours.append(g)
            print(f"{arch} b{batch} round {r + 1}: PyTorch {t['steps_per_s']:.1f} steps/s, ganbook {g['steps_per_s']:.1f} "
                  f"({g['steps_per_s'] / t['steps_per_s']:.2f}×, kernel {g.get('blas_core', '?')})", flush=True)
        ratio = statistics.median(g["steps_per_s"] / t["steps_per_s"] for g, t in zip(ours, torch_runs))
        rows.append((
            f"{arch.upper() if arch == 'mlp' else 'DCGAN'}, batch {batch}",
            statistics.median(t["steps_per_s"] for t in torch_runs),
            statistics.median(g["steps_per_s"] for g in ours),
            ratio,
            statistics.median(t["peak_rss_mb"] for t in torch_runs),
            statistics.median(g["peak_rss_mb"] for g in ours),
            statistics.median(t["process_start_to_first_step_end_s"] for t in torch_runs),
            statistics.median(g["first_step_s"] for g in ours),
        ))

    print()
    print(f"| config | PyTorch steps/s | ganbook steps/s | ratio | peak RSS PyTorch → ganbook | process start → first step |")
    print("|---|---|---|---|---|---|")
    for name, ts, gs, ratio, trss, grss, tfirst, gfirst in rows:
        print(f"| {name} | {ts:.1f} | {gs:.1f} | {ratio:.2f}× | {trss:.0f} MB → {grss:.0f} MB | {tfirst:.2f} s → {gfirst:.2f} s |")
    print(f"({args.rounds} rounds of {args.steps} steps each, alternated; medians; the ratio is the median of the rounds' ratios)")


if __name__ == "__main__":
    sys.exit(main())
