"""What moved-code detection adds to a diff's time: the same diffs with and without it.

Usage (from the repository root)::

    .venv/bin/python bench/diff_moved.py [--runs 7] [--cache bench/review-patch]

Issue 14's goal: moved-code detection (``core.moved``, ``DiffOptions.moved``) adds at most
20 % to the time of a diff. Each case is timed with ``moved`` off and on, runs interleaved,
and the ratio of the medians printed:

- the 40,000-line pair of ``bench/diff_render.py`` (1,500 changed lines, a 12,000-line diff):
  ``diff_texts`` as the JSON API makes it (word marks on), ``diff_json`` without word marks
  (the fast path that writes libgit2's lines straight to JSON) and the page's job
  (``jobs.page_job``, 20,000 lines at most);
- a real large diff: every changed ``.py`` file pair of Django 5.1.15 → 5.2.19 (the trees
  ``bench/review_patch.py`` fetches with pip into ``--cache``), each compared with
  ``diff_texts`` as the compare page and the API do; and the whole patch between the trees
  (``git diff --no-index -M``, 624 files) read by ``core.patch`` with word marks, then with
  ``mark_moved`` across all its files, as ``/api/patch`` does;
- a hostile diff: 20,000 identical lines moved past 30,000 others, which git's own rule
  makes quadratic; here it is bounded by the step budget (printed).

Times are CPU seconds of this process (``time.process_time``), so a loaded machine skews
them less than wall time; the work is single-threaded and in-process. Nothing is asserted.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from apps.diffviewer.core import DiffOptions, diff_texts  # noqa: E402
from apps.diffviewer.core.compute import diff_json  # noqa: E402
from apps.diffviewer.core.jobs import page_job  # noqa: E402
from apps.diffviewer.core.moved import Budget, find_moved, mark_moved  # noqa: E402
from apps.diffviewer.core.patch import parse_patch  # noqa: E402
from diff_render import make_pair  # noqa: E402
from review_patch import fetch_trees, make_patch  # noqa: E402

GOAL = 1.20
ON, OFF = DiffOptions(), DiffOptions(moved=False)


def medians(funcs: dict, runs: int) -> dict:
    """Median CPU milliseconds of each function, runs interleaved."""
    times = {name: [] for name in funcs}
    for _ in range(runs):
        for name, func in funcs.items():
            start = time.process_time()
            func()
            times[name].append(time.process_time() - start)
    return {name: statistics.median(t) * 1000 for name, t in times.items()}


def pair_cases(left, right):
    no_words_on, no_words_off = DiffOptions(word_diff=False), DiffOptions(word_diff=False, moved=False)
    return {
        "diff_texts (JSON API, word marks)": (lambda: diff_texts(left, right, OFF), lambda: diff_texts(left, right, ON)),
        "diff_json, word marks off": (lambda: diff_json(left, right, no_words_off), lambda: diff_json(left, right, no_words_on)),
        "page job (20,000 lines)": tuple(
            (lambda opts=opts: page_job({"left": left, "right": right, "options": opts, "max_lines": 20_000}))
            for opts in (OFF, ON)
        ),
    }


def django_pairs(trees: Path) -> list[tuple[str, str]]:
    """The text of each .py file changed between the trees (both sides present)."""
    pairs = []
    for new in sorted((trees / "b" / "django").rglob("*.py")):
        old = trees / "a" / new.relative_to(trees / "b")
        if old.exists():
            a, b = old.read_text(encoding="utf-8"), new.read_text(encoding="utf-8")
            if a != b:
                pairs.append((a, b))
    return pairs


def patch_with_moved(text: str, moved: bool):
    patch = parse_patch(text)
    patch.mark_words()
    if moved:
        marked = mark_moved([(file.path, file.hunks) for file in patch.files])
        for file, hunks in zip(patch.files, marked):
            file.hunks = hunks
    return patch


def hostile():
    repeated = "value = compute(alpha, beta, gamma)\n" * 20_000
    others = "".join(f"line_{i} = value({i})\n" for i in range(30_000))
    return repeated + others, others + repeated


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per measurement (median)")
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / "review-patch",
                        help="where bench/review_patch.py keeps the Django wheels, trees and patch")
    args = parser.parse_args()
    cache = args.cache.resolve()
    cache.mkdir(parents=True, exist_ok=True)
    trees = fetch_trees(cache)
    patch = make_patch(trees, cache).decode("utf-8", "surrogateescape")
    pairs = django_pairs(trees)

    rows = []
    left, right = make_pair()
    for name, (off, on) in pair_cases(left, right).items():
        rows.append(("40k-line pair: " + name, medians({"off": off, "on": on}, args.runs)))
    rows.append((f"Django .py pairs ({len(pairs)}), diff_texts each", medians({
        "off": lambda: [diff_texts(a, b, OFF) for a, b in pairs],
        "on": lambda: [diff_texts(a, b, ON) for a, b in pairs],
    }, args.runs)))
    rows.append(("Django patch: parse + word marks (+ moved)", medians({
        "off": lambda: patch_with_moved(patch, False),
        "on": lambda: patch_with_moved(patch, True),
    }, args.runs)))
    hostile_left, hostile_right = hostile()
    rows.append(("hostile: 20,000 identical lines moved", medians({
        "off": lambda: diff_texts(hostile_left, hostile_right, OFF),
        "on": lambda: diff_texts(hostile_left, hostile_right, ON),
    }, max(3, args.runs // 2))))

    # The detection alone, on diffs already made: the share it adds, without the noise of
    # timing the whole diff twice.
    pair_diff = diff_texts(left, right, OFF)
    parsed = patch_with_moved(patch, False)
    files = [(file.path, file.hunks) for file in parsed.files]
    alone = medians({
        "pair": lambda: mark_moved([("", pair_diff.hunks)]),
        "patch": lambda: mark_moved(files),
    }, args.runs)

    print(f"median of {args.runs} runs, CPU milliseconds; goal: on <= {GOAL:.2f}x off\n")
    header = f"{'case':<52} {'moved off':>10} {'moved on':>10} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    for name, times in rows:
        ratio = times["on"] / times["off"]
        verdict = "ok" if ratio <= GOAL else ("bounded" if name.startswith("hostile") else "SLOW")
        print(f"{name:<52} {times['off']:>10.1f} {times['on']:>10.1f} {ratio:>6.2f}x  {verdict}")

    print(f"\nmark_moved alone: 40k-line pair {alone['pair']:.1f} ms "
          f"({alone['pair'] / rows[0][1]['off']:.0%} of its diff_texts), Django patch {alone['patch']:.1f} ms "
          f"({alone['patch'] / rows[4][1]['off']:.0%} of parse + word marks)")
    changed = sum(1 for file in parsed.files for hunk in file.hunks for line in hunk.lines if line.kind != "context")
    budget = Budget.for_lines(changed)
    found = find_moved(files, budget)
    across = sum(1 for (f, _, _), (_, other, _) in found.items() if f != other)
    print(f"\nDjango patch: {len(parsed.files)} files, {changed:,} changed lines, {len(found):,} moved "
          f"({across:,} to or from another file) in {len({moved[0] for moved in found.values()}):,} blocks; "
          f"{budget.spent / changed:.1f} steps per changed line (budget {budget.spent + budget.steps:,})")
    hostile_diff = diff_texts(hostile_left, hostile_right, OFF)
    budget = Budget.for_lines(hostile_diff.stats.added + hostile_diff.stats.deleted)
    found = find_moved([("", hostile_diff.hunks)], budget)
    print(f"hostile: {len(found):,} lines moved; {budget.spent:,} steps for a budget of "
          f"{budget.spent + budget.steps:,} (then at most a few per line)")


if __name__ == "__main__":
    main()
