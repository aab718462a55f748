"""How fast the diff core is, next to GNU ``diff -u`` on the same files.

Usage (from the repository root)::

    .venv/bin/python bench/diff_compute.py [--runs 7] [--difflib-timeout 120]

Generates a 55,000-line near-identical pair and a 15,000-line repetitive pair
with about 155 changed lines, writes them to a temporary directory, and prints
the median wall time of ``diff_texts`` and ``unified_diff`` (in process) beside
``diff -u`` (a subprocess, so it includes start-up and reading the files) and,
on the smaller pair only, ``difflib.unified_diff`` in a child process with a
timeout.  The goal is ours <= 3x GNU diff.  Nothing is asserted; it only reports.
"""

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apps.diffviewer.core import DiffOptions, diff_texts, unified_diff  # noqa: E402

GOAL = 3.0

DIFFLIB_CHILD = """
import difflib, sys, time
a = open(sys.argv[1], encoding="utf-8", newline="").read().splitlines(True)
b = open(sys.argv[2], encoding="utf-8", newline="").read().splitlines(True)
start = time.perf_counter()
changed = sum(1 for l in difflib.unified_diff(a, b, n=3) if l[:1] in "+-" and l[:3] not in ("---", "+++"))
print(time.perf_counter() - start, changed)
"""


def near_identical(lines=55_000, edits=60, seed=1):
    """Python-like source where every line is unique, and a copy with a few lines edited."""
    rng = random.Random(seed)
    left = [f"    value_{i} = compute({rng.randint(0, 10**6)}, 'text {i}')  # note\n" for i in range(lines)]
    right = list(left)
    for at in rng.sample(range(lines), edits):
        right[at] = right[at].replace("compute", "recompute")
    return "".join(left), "".join(right)


def repetitive(lines=15_000, seed=2, edits=50):
    """C-like text made of a handful of repeated blocks, and an edit of it (~155 changed lines)."""
    rng = random.Random(seed)
    blocks = [
        ["    if (err) {\n", "        return -1;\n", "    }\n", "\n"],
        ["    }\n", "\n"],
        ["    x = 0;\n", "    y = 0;\n", "\n"],
        ["}\n", "\n", "int f(void)\n", "{\n"],
    ]
    left = []
    while len(left) < lines:
        left.extend(rng.choice(blocks))
    right = list(left)
    for at in sorted(rng.sample(range(len(right) - 10), edits), reverse=True):
        kind = rng.choice(["replace", "insert", "delete"])
        if kind == "replace":
            right[at : at + 2] = ["    x = 1;\n", "    return 0;\n"]
        elif kind == "insert":
            right[at:at] = rng.choice(blocks)[:3]
        else:
            del right[at : at + 2]
    return "".join(left), "".join(right)


def median_ms(funcs: dict, runs: int) -> dict:
    """Median milliseconds of each function, runs interleaved so machine load hits all alike."""
    times = {name: [] for name in funcs}
    for _ in range(runs):
        for name, func in funcs.items():
            start = time.perf_counter()
            func()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) * 1000 for name, t in times.items()}


def gnu_diff(a: Path, b: Path) -> int:
    run = subprocess.run(["diff", "-u", str(a), str(b)], stdout=subprocess.PIPE, check=False)
    return sum(1 for line in run.stdout.splitlines()[2:] if line[:1] in (b"+", b"-"))


def difflib_ms(a: Path, b: Path, timeout: float):
    try:
        run = subprocess.run(
            [sys.executable, "-c", DIFFLIB_CHILD, str(a), str(b)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return None, None
    seconds, changed = run.stdout.split()
    return float(seconds) * 1000, int(changed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per measurement (median)")
    parser.add_argument("--difflib-timeout", type=float, default=120, help="seconds before difflib is given up")
    args = parser.parse_args()

    cases = [("55k near-identical", near_identical(), False), ("15k repetitive", repetitive(), True)]
    rows = []
    with tempfile.TemporaryDirectory(prefix="diff-bench-") as tmp:
        for name, (left, right), with_difflib in cases:
            a, b = Path(tmp, "a.txt"), Path(tmp, "b.txt")
            a.write_bytes(left.encode())
            b.write_bytes(right.encode())
            stats = diff_texts(left, right).stats
            row = {
                "case": name,
                "lines": left.count("\n"),
                "ours changed": stats.added + stats.deleted,
                "gnu changed": gnu_diff(a, b),
            }
            row |= median_ms(
                {
                    "diff_texts": lambda: diff_texts(left, right),
                    "unified_diff": lambda: unified_diff(left, right),
                    "diff -u": lambda: gnu_diff(a, b),
                    "diff_texts whole file": lambda: diff_texts(left, right, DiffOptions(context=None)),
                },
                args.runs,
            )
            row["difflib"], row["difflib changed"] = (
                difflib_ms(a, b, args.difflib_timeout) if with_difflib else (None, None)
            )
            rows.append(row)

    print(f"median of {args.runs} runs, milliseconds; goal: ours <= {GOAL:g}x GNU diff -u\n")
    header = (
        f"{'case':<20} {'lines':>6} {'diff_texts':>10} {'unified':>8} {'whole file':>10} "
        f"{'diff -u':>8} {'ratio':>6} {'difflib':>9}  changed lines ours/GNU/difflib"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        ratio = max(r["diff_texts"], r["unified_diff"]) / r["diff -u"]
        difflib_text = "n/a" if r["difflib"] is None else f"{r['difflib']:.0f}"
        verdict = "ok" if ratio <= GOAL else "SLOW"
        print(
            f"{r['case']:<20} {r['lines']:>6} {r['diff_texts']:>10.1f} {r['unified_diff']:>8.1f} "
            f"{r['diff_texts whole file']:>10.1f} {r['diff -u']:>8.1f} {ratio:>5.2f}x {difflib_text:>9}  "
            f"{r['ours changed']}/{r['gnu changed']}/{r['difflib changed'] or 'n/a'}  {verdict}"
        )
    print("\nratio = slower of diff_texts and unified_diff / diff -u; whole file = context=None (not in ratio)")
    print("difflib = difflib.unified_diff with its defaults (autojunk on), as commonly used")


if __name__ == "__main__":
    main()
