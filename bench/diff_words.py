"""How much word marks cost: the diff JSON with word marks next to GNU ``diff -u``, before and after.

Usage (from the repository root)::

    .venv/bin/python bench/diff_words.py [--runs 11]

On the 40k-line pair of ``bench/diff_render.py`` (1,500 changed lines spread evenly, a
12,000-line unified diff) it times, interleaved so machine load hits all alike, median of
``--runs``:

- ``diff -u`` on the two files (a subprocess: start-up and reading the files included);
- ``core.diff_json`` with word marks, as the ``/diff/api/diff`` JSON API computes it in its
  diff process (HTTP and the process hop not included): written in one pass from libgit2's
  patch text (``core/jsonwriter.py``);
- the same JSON as it was made before word marks were made fast: ``diff_texts(...).to_json()``
  with ``tests/diffviewer/reference_words.py`` (the old word marker, kept verbatim);
- the JSON without word marks, for scale.

Each with moved-code detection on (the API's default) and off (word marks alone).  It checks
that before and after give the same JSON and prints the ratios to ``diff -u``.  Goal (issue
14): with word marks <= 4x GNU ``diff -u``.  Nothing is asserted but the sameness.
"""

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from diff_render import make_pair as forty_thousand_line_pair  # noqa: E402

from apps.diffviewer.core import DiffOptions, compute  # noqa: E402
from tests.diffviewer import reference_words  # noqa: E402

GOAL = 4.0


@contextmanager
def old_word_marker():
    """``compute`` marking words with the reference (old) word marker."""
    fast = compute.mark_words
    compute.mark_words = reference_words.mark_words
    try:
        yield
    finally:
        compute.mark_words = fast


def json_before(left, right, opts):
    """The JSON as ``diff_json`` made it with word marks before: Lines, then ``to_json``."""
    with old_word_marker():
        return compute.diff_texts(left, right, opts).to_json()


def median_seconds(funcs: dict, runs: int) -> tuple[dict, dict]:
    """Median wall and CPU seconds of each function, runs interleaved.  CPU time counts this
    process's and its children's (``diff -u``), so other work on a busy machine weighs less."""
    wall = {name: [] for name in funcs}
    cpu = {name: [] for name in funcs}
    for _ in range(runs):
        for name, func in funcs.items():
            start, start_cpu = time.perf_counter(), cpu_seconds()
            func()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(cpu_seconds() - start_cpu)
    return ({name: statistics.median(t) for name, t in wall.items()},
            {name: statistics.median(t) for name, t in cpu.items()})


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=11, help="timed runs per measurement (median)")
    args = parser.parse_args()

    left, right = forty_thousand_line_pair()
    with tempfile.TemporaryDirectory(prefix="diff-words-bench-") as tmp:
        a, b = Path(tmp, "old.txt"), Path(tmp, "new.txt")
        a.write_text(left)
        b.write_text(right)
        funcs = {"diff -u": lambda: subprocess.run(["diff", "-u", str(a), str(b)], stdout=subprocess.PIPE, check=False)}
        for moved in (True, False):
            words_on = DiffOptions(moved=moved)
            words_off = DiffOptions(moved=moved, word_diff=False)
            same = compute.diff_json(left, right, words_on) == json_before(left, right, words_on)
            print(f"moved {'on ' if moved else 'off'}: JSON with word marks the same before and after: {'yes' if same else 'NO'}")
            funcs |= {
                ("after", moved): lambda o=words_on: compute.diff_json(left, right, o),
                ("before", moved): lambda o=words_on: json_before(left, right, o),
                ("no word marks", moved): lambda o=words_off: compute.diff_json(left, right, o),
            }
        wall, cpu = median_seconds(funcs, args.runs)

    print(f"\n40k-line pair, 1,500 changed lines; median of {args.runs} runs")
    for kind, seconds in (("wall", wall), ("CPU", cpu)):
        gnu = seconds.pop("diff -u")
        print(f"\n{kind} time; GNU diff -u {gnu * 1000:.1f} ms")
        print(f"{'JSON (core.diff_json)':<32} {'moved on':>17} {'moved off':>17}")
        for what in ("before", "after", "no word marks"):
            cells = [f"{seconds[what, moved] * 1000:7.1f} ms {seconds[what, moved] / gnu:5.2f}x" for moved in (True, False)]
            label = {"before": "word marks, before", "after": "word marks, after"}.get(what, what)
            print(f"{label:<32} {cells[0]:>17} {cells[1]:>17}")
    print(f"\nratios to GNU diff -u; goal: word marks <= {GOAL:g}x")


if __name__ == "__main__":
    main()
