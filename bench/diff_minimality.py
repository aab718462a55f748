"""How small our diffs are: changed-line totals next to GNU diff and difflib.

Usage (from the repository root)::

    .venv/bin/python bench/diff_minimality.py [--corpus-dir DIR] [--package Django]
        [--old 5.1.4] [--new 5.2.1] [--top 10] [--no-difflib]

The real corpus is every ``.py`` file that differs between two releases of a
package: their wheels are fetched with ``pip download`` into a scratch directory
under /tmp (never the repository) and unpacked into ``old/`` and ``new/``; pass
``--corpus-dir`` to reuse such a directory.  A generated corpus of repetitive
files (a few blocks repeated, then edited) is measured too.  For each corpus it
prints the total of changed lines (added + deleted) of ours (libgit2 Myers),
libgit2 patience and minimal, GNU ``diff -u``, GNU ``diff -u --minimal`` (the
true minimum) and ``difflib``, and the pairs where ours and GNU differ most.
Goals: within 1 % of GNU diff on the real corpus and 5 % on the repetitive one.
"""

import argparse
import difflib
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pygit2
from pygit2.enums import DiffOption

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apps.diffviewer.core import DiffOptions, diff_texts  # noqa: E402
from diff_compute import repetitive  # noqa: E402  (bench/ is on sys.path when run as a script)

GOALS = {"real": 0.01, "repetitive": 0.05}
CHANGED_ONLY = DiffOptions(context=0, word_diff=False)


def fetch_corpus(directory: Path, package: str, old: str, new: str) -> None:
    """Download both wheels with pip and unpack them into old/ and new/."""
    for version, side in ((old, "old"), (new, "new")):
        target = directory / side
        if target.is_dir():
            continue
        wheels = directory / "wheels" / side
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
             "--dest", str(wheels), f"{package}=={version}"],
            check=True,
        )
        [wheel] = wheels.glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(target)


def real_pairs(directory: Path):
    """(name, old path, new path) of every .py file present in both trees with other bytes."""
    old_root, new_root = directory / "old", directory / "new"
    for old in sorted(old_root.rglob("*.py")):
        name = old.relative_to(old_root)
        new = new_root / name
        if new.is_file() and old.read_bytes() != new.read_bytes():
            yield str(name), old, new


def repetitive_pairs(directory: Path, count=40):
    """Repetitive texts with scattered edits; every fourth also moves its one unique line
    from the top to the bottom, the case where patience anchors on the wrong line."""
    directory.mkdir(parents=True, exist_ok=True)
    for seed in range(count):
        left, right = repetitive(lines=1_000 + 400 * seed, seed=seed, edits=10 + seed)
        if seed % 4 == 0:
            left, right = "/* generated file */\n" + left, right + "/* generated file */\n"
        old, new = directory / f"rep{seed}.old", directory / f"rep{seed}.new"
        old.write_bytes(left.encode())
        new.write_bytes(right.encode())
        yield f"repetitive #{seed} ({left.count(chr(10))} lines)", old, new


def gnu(old: Path, new: Path, *extra) -> int:
    run = subprocess.run(["diff", "-u", *extra, str(old), str(new)], stdout=subprocess.PIPE, check=False)
    return sum(1 for line in run.stdout.splitlines()[2:] if line[:1] in (b"+", b"-"))


def libgit2(old_bytes: bytes, new_bytes: bytes, flag: DiffOption) -> int:
    patch = pygit2.Patch.create_from(old_bytes, new_bytes, flag=flag | DiffOption.FORCE_TEXT, context_lines=0)
    _, added, deleted = patch.line_stats
    return added + deleted


def with_difflib(left: str, right: str) -> int:
    lines = difflib.unified_diff(left.splitlines(True), right.splitlines(True), n=0)
    return sum(1 for line in lines if line[:1] in "+-" and line[:3] not in ("---", "+++"))


def measure(pairs, use_difflib: bool) -> list[dict]:
    rows = []
    for name, old, new in pairs:
        old_bytes, new_bytes = old.read_bytes(), new.read_bytes()
        left = old_bytes.decode("utf-8", "surrogateescape")
        right = new_bytes.decode("utf-8", "surrogateescape")
        start = time.perf_counter()
        stats = diff_texts(left, right, CHANGED_ONLY).stats
        ours_s = time.perf_counter() - start
        row = {
            "name": name,
            "ours": stats.added + stats.deleted,
            "patience": libgit2(old_bytes, new_bytes, DiffOption.PATIENCE),
            "minimal": libgit2(old_bytes, new_bytes, DiffOption.MINIMAL),
            "gnu": gnu(old, new),
            "gnu minimal": gnu(old, new, "--minimal"),
            "ours s": ours_s,
        }
        if use_difflib:
            start = time.perf_counter()
            row["difflib"] = with_difflib(left, right)
            row["difflib s"] = time.perf_counter() - start
        rows.append(row)
    return rows


def report(title: str, rows: list[dict], goal: float, top: int) -> None:
    columns = ["ours", "patience", "minimal", "gnu", "gnu minimal"] + (["difflib"] if "difflib" in rows[0] else [])
    totals = {c: sum(r[c] for r in rows) for c in columns}
    print(f"\n== {title}: {len(rows)} changed file pairs, total changed lines (added + deleted)")
    for c in columns:
        print(f"  {c:<12} {totals[c]:>8,}  {totals[c] / totals['gnu']:7.4f}x GNU diff -u")
    ratio = totals["ours"] / totals["gnu"]
    verdict = "ok" if abs(ratio - 1) <= goal else "MISSED"
    print(f"  ours / GNU diff -u = {ratio:.4f} (goal within {goal:.0%}: {verdict})")
    timing = f"  time: ours {sum(r['ours s'] for r in rows):.2f} s"
    if "difflib" in rows[0]:
        timing += f", difflib {sum(r['difflib s'] for r in rows):.2f} s"
    print(timing)
    worst = sorted(rows, key=lambda r: abs(r["ours"] - r["gnu"]), reverse=True)[:top]
    worst = [r for r in worst if r["ours"] != r["gnu"]]
    if worst:
        print(f"  pairs where ours and GNU differ most (ours / gnu / gnu --minimal{' / difflib' if 'difflib' in rows[0] else ''}):")
        for r in worst:
            extra = f" / {r['difflib']}" if "difflib" in r else ""
            print(f"    {r['ours'] - r['gnu']:+5d}  {r['ours']} / {r['gnu']} / {r['gnu minimal']}{extra}  {r['name']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus-dir", type=Path, help="scratch dir with old/ and new/ trees (downloaded if missing)")
    parser.add_argument("--package", default="Django")
    parser.add_argument("--old", default="5.1.4")
    parser.add_argument("--new", default="5.2.1")
    parser.add_argument("--top", type=int, default=10, help="how many of the most different pairs to list")
    parser.add_argument("--no-difflib", action="store_true", help="skip difflib (the slowest column)")
    args = parser.parse_args()

    corpus = args.corpus_dir or Path(tempfile.gettempdir(), f"diff-corpus-{args.package}-{args.old}-{args.new}")
    corpus.mkdir(parents=True, exist_ok=True)
    fetch_corpus(corpus, args.package, args.old, args.new)
    real = measure(real_pairs(corpus), not args.no_difflib)
    report(f"{args.package} {args.old} -> {args.new}", real, GOALS["real"], args.top)
    with tempfile.TemporaryDirectory(prefix="diff-repetitive-") as tmp:
        generated = measure(repetitive_pairs(Path(tmp)), not args.no_difflib)
    report("generated repetitive files", generated, GOALS["repetitive"], args.top)


if __name__ == "__main__":
    main()
