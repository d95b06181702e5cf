#!/usr/bin/env python3
"""By hand, not CI: do ganbook's PyTorch exports run under torch and print the lesson's numbers?

    make build   # or swift build -c release …
    /path/to/venv/bin/python Tests/TorchExportTests/Fixtures/check_exports.py [--ganbook .build/release/ganbook]

For lessons 1, 2 and 5 (5 in quick mode): exports the lesson with `ganbook export --torch`, runs it with this
Python (which must have torch) and runs the lesson itself with `ganbook run`, both in one scratch folder, then
counts the script's printed lines that also appear in ganbook's output (pictures aside). Lines that differ are
kept in the record: they should all be random draws (torch's generator is not ganbook's) or what follows them.
Then a session — a GAN trained 100 steps — is exported with --weights and its check run (`--check-only`).
Writes torch_agreement.json beside this file; TorchAgreementTests read it (and never need torch)."""
import argparse, json, os, re, subprocess, sys, tempfile, time

LESSONS = (("01-tensors", False), ("02-gradient-descent", False), ("05-gan", True))
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "../../.."))


def run(cmd, cwd, stdin=None, env=None):
    t = time.time()
    p = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr, time.time() - t


def blocks(lines):
    """Lines joined into values: a line, with the indented lines after it (a wrapped tensor's rows)."""
    out = []
    for line in lines:
        if out and line.startswith(" ") and not out[-1].startswith(" ") and "tensor(" in out[-1] and not out[-1].rstrip().endswith(")"):
            out[-1] += " " + line.strip()
        else:
            out.append(line)
    return out


# The script's own stand-ins for pictures (a PNG's name, a plot's numbers without matplotlib, a histogram's bars):
# ganbook draws those, so they have no line to match.
SCRIPT_ONLY = re.compile(r"^\[.*\.png\]$|^.*: \d+ points, first |^-?[\d.e+-]+ #* \d+$|^\d+ values, mean ")


def norm(line):
    return re.sub(r"\s+", " ", line).strip()


NUMBER = re.compile(r"(?<![A-Za-z_0-9.])-?\d+(?:\.\d*)?(?:e[-+]?\d+)?")


def numbers(line):
    """The numbers a line prints, with how many decimals each was printed with (grad_fn names and the like removed)."""
    line = re.sub(r"grad_fn=<\w+>|requires_grad=True|dtype=torch\.\w+", "", line)
    return [(float(m), len(m.split(".")[1].split("e")[0]) if "." in m and "e" not in m else None) for m in NUMBER.findall(line)]


def same_numbers(mine, theirs):
    """Each number of the script's line equals ganbook's to the precision ganbook printed it with."""
    if len(mine) != len(theirs) or not mine:
        return False
    for (a, _), (b, decimals) in zip(mine, theirs):
        if abs(a - b) > (0.5 * 10 ** -decimals if decimals is not None else 0) + 1e-6 * max(1, abs(b)):
            return False
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ganbook", default=os.path.join(ROOT, ".build/release/ganbook"))
    args = ap.parse_args()
    import torch
    env = dict(os.environ)
    record = {"torch": torch.__version__, "python": sys.version.split()[0], "date": time.strftime("%Y-%m-%d"),
              "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
              "lessons": {}}
    for name, quick in LESSONS:
        with tempfile.TemporaryDirectory() as scratch:
            lesson = os.path.join(ROOT, "lessons", name + ".md")
            code, _, err, _ = run([args.ganbook, "export", "--torch", lesson, "-o", "lesson.py"], scratch)
            assert code == 0, err
            code_py, out_py, err_py, t_py = run([sys.executable, "lesson.py"] + (["--quick"] if quick else []), scratch, env=env)
            code_gb, out_gb, err_gb, t_gb = run([args.ganbook, "run"] + (["--quick"] if quick else []) + [lesson], scratch, env=env)
            # Values as blocks (a tensor wraps over lines, differently at different widths), one number list each.
            theirs = [numbers(b) for b in blocks(l for l in out_gb.splitlines() if not l.startswith(">>> "))]
            printed = [b for b in blocks(out_py.splitlines()) if numbers(b) and not SCRIPT_ONLY.match(b.strip())]
            unmatched = [b for b in printed if not any(same_numbers(numbers(b), t) for t in theirs)]
            record["lessons"][name] = {
                "quick": quick, "script_exit": code_py, "script_error": err_py.strip().splitlines()[-1:] if code_py else [],
                "script_seconds": round(t_py, 1), "ganbook_exit": code_gb, "ganbook_seconds": round(t_gb, 1),
                "lines_with_numbers": len(printed), "same_numbers_in_ganbook": len(printed) - len(unmatched),
                "lines_not_in_ganbook": unmatched[:60]}
            print(f"{name}: script exit {code_py} ({t_py:.0f} s), {len(printed) - len(unmatched)} of {len(printed)} printed lines of numbers have the "
                  f"same numbers in ganbook's run (exit {code_gb}, {t_gb:.0f} s)")
    with tempfile.TemporaryDirectory() as scratch:
        cells = "gan = GAN(batch=64)\ngan.train(steps=100)\n:export --torch session.py --weights\n"
        state = dict(env, XDG_STATE_HOME=os.path.join(scratch, "state"))
        code, out, err, t = run([args.ganbook, "--seed", "0"], scratch, stdin=cells, env=state)
        said = [l for l in out.splitlines() if l.startswith("wrote ")]
        code_py, out_py, err_py, t_py = run([sys.executable, "session.py", "--check-only"], scratch, env=env)
        record["session"] = {"cells": cells.splitlines(), "export": said, "check_exit": code_py,
                             "check": out_py.strip().splitlines() + err_py.strip().splitlines()[-1:], "check_seconds": round(t_py, 1)}
        print("\n".join(record["session"]["check"]))
    with open(os.path.join(HERE, "torch_agreement.json"), "w") as f:
        json.dump(record, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
