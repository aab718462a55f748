"""Scores language detectors on a folder of labelled files (`<language>/<file>`), content only.

Each file is scored three times (MODES below): whole; its first 20 lines (the excerpt issue 12
measured, and what a paste of the top of a file looks like); and the 20 lines that start a third
of the way in (harder: no imports, no header, often the middle of a function or of a comment). A
file of at most 20 lines is its own excerpt. Never the file name. Prints accuracy per language and
overall for Pygments' `guess_lexer`, Magika alone, and ours (apps/highlighter/core/detect.py),
then time per call: median and p95 for the 20-line excerpts and for ~100 KB inputs (each
language's files joined, cut at 100,000 chars).

    .venv/bin/python bench/detect_corpus.py           # once: fetch the labelled files
    .venv/bin/python bench/detect.py                  # the evaluation set
    .venv/bin/python bench/detect.py bench/corpus/tune --misses   # the tuning set, with its misses
    .venv/bin/python bench/detect.py bench/corpus/tune --calibrate   # what sets the threshold
    .venv/bin/python bench/detect.py --names          # the file-name rule, on each file's own name
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pygments import token
from pygments.lexers import get_lexer_by_name, guess_lexer
from pygments.util import ClassNotFound

from apps.highlighter.core import detect

EXCERPT_LINES = 20
BIG = 100_000

# The first alias of each Pygments lexer counted right for a language. SQL dialects and
# PHP-in-HTML are the same language for a reader; a template language inside HTML is not HTML.
ACCEPTED = {
    "python": {"python"},
    "javascript": {"javascript"},
    "typescript": {"typescript"},
    "go": {"go"},
    "rust": {"rust"},
    "java": {"java"},
    "kotlin": {"kotlin"},
    "swift": {"swift"},
    "c": {"c"},
    "cpp": {"cpp"},
    "csharp": {"csharp"},
    "php": {"php", "html+php"},
    "ruby": {"ruby"},
    "perl": {"perl"},
    "shell": {"bash"},
    "sql": {"sql", "postgresql", "psql", "plpgsql", "mysql", "tsql", "sqlite3"},
    "html": {"html"},
    "css": {"css"},
    "json": {"json"},
    "yaml": {"yaml"},
    "toml": {"toml"},
    "xml": {"xml"},
    "markdown": {"markdown"},
    "elixir": {"elixir"},
}


def first_lines(text):
    """The first 20 lines of a text."""
    return "".join(text.splitlines(keepends=True)[:EXCERPT_LINES])


def excerpt(text):
    """The 20 lines of a text that start a third of the way in, or all of a short text."""
    lines = text.splitlines(keepends=True)
    if len(lines) <= EXCERPT_LINES:
        return text
    start = len(lines) // 3
    return "".join(lines[start : start + EXCERPT_LINES])


MODES = {"whole": lambda text: text, "first 20": first_lines, "20 from 1/3": excerpt}


def first_alias(alias):
    try:
        return get_lexer_by_name(alias).aliases[0]
    except ClassNotFound:
        return alias


def pygments_guess(text):
    try:
        return guess_lexer(text).aliases[0]
    except ClassNotFound:
        return "text"


def magika_alone(text):
    """Magika's own top label, mapped to a Pygments lexer the way ours maps it."""
    scores = detect.model_scores(text)
    return scores[0][0] if scores else "text"


def ours(text):
    return detect.detect(text).lexer


DETECTORS = {"pygments": pygments_guess, "magika": magika_alone, "ours": ours}


def load(folder):
    samples = []
    for language_dir in sorted(p for p in Path(folder).iterdir() if p.is_dir()):
        for path in sorted(language_dir.iterdir()):
            text = path.read_bytes().decode("utf-8", errors="replace")
            samples.append((language_dir.name, path.name, text))
    return samples


PLAIN = {}  # mode -> how many of ours fell back to plain text (counted as not right)
NO_CODE = {}  # (detector, mode) -> [right, total] over the inputs that hold only comments


def holds_no_code(language, text, share=0.9):
    """True when the language's own Pygments lexer reads at least `share` of the text's visible
    characters as comments (a licence header): nothing in it names the language, whatever reads
    it. Reported apart, never left out. (A lexer, on the corpus's files only: some take seconds on
    hostile input, which is why the detector's own test, detect.only_comments, reads lines.)"""
    lexer = get_lexer_by_name("bash" if language == "shell" else language, stripnl=False, ensurenl=False)
    comments = visible = 0
    for kind, value in lexer.get_tokens(text):
        size = len("".join(value.split()))
        visible += size
        comments += size if kind in token.Comment else 0
    return visible > 0 and comments >= share * visible


def score(samples, detectors, misses):
    table = {}  # (detector, mode) -> {language: [right, total]}
    for name, detector in detectors.items():
        for mode, cut in MODES.items():
            counts = table.setdefault((name, mode), {})
            for language, file_name, text in samples:
                got = first_alias(detector(cut(text)))
                right = got in ACCEPTED[language]
                cell = counts.setdefault(language, [0, 0])
                cell[0] += right
                cell[1] += 1
                if holds_no_code(language, cut(text)):
                    no_code = NO_CODE.setdefault((name, mode), [0, 0])
                    no_code[0] += right
                    no_code[1] += 1
                if name == "ours" and got == "text":
                    PLAIN[mode] = PLAIN.get(mode, 0) + 1
                if misses and name == "ours" and not right:
                    print(f"miss {mode:11} {language:10} -> {got:12} {file_name}", file=sys.stderr)
    return table


def print_table(table, languages):
    columns = list(table)
    print("| language | " + " | ".join(f"{d} {m}" for d, m in columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for language in languages:
        cells = [table[c].get(language, [0, 0]) for c in columns]
        print(f"| {language} | " + " | ".join(f"{r}/{n}" for r, n in cells) + " |")
    totals = []
    for column in columns:
        right = sum(r for r, _ in table[column].values())
        total = sum(n for _, n in table[column].values())
        totals.append(f"**{100 * right / total:.1f} %**")
    print("| **all** | " + " | ".join(totals) + " |")
    if NO_CODE:
        cells = []
        for column in columns:
            right = sum(r for r, _ in table[column].values()) - NO_CODE.get(column, [0, 0])[0]
            total = sum(n for _, n in table[column].values()) - NO_CODE.get(column, [0, 0])[1]
            cells.append(f"{100 * right / total:.1f} %")
        print("| inputs that hold only comments | " + " | ".join("{}/{}".format(*NO_CODE.get(c, [0, 0])) for c in columns) + " |")
        print("| all but those | " + " | ".join(cells) + " |")


def calibration(samples, width=0.05):
    """How often ours' first candidate is right, by its confidence: the table that sets
    detect.THRESHOLD (the lowest confidence from which right answers outnumber wrong ones)."""
    bins = {}
    for language, _, text in samples:
        for cut in MODES.values():
            guess = detect.detect(cut(text))
            if guess.rule not in ("model", "fallback") or not guess.candidates:
                continue
            top, confidence = guess.candidates[0]
            cell = bins.setdefault(min(int(confidence / width), int(1 / width) - 1), [0, 0, 0])
            cell[0 if first_alias(top) in ACCEPTED[language] else 1 if top != "text" else 2] += 1
    print(f"\nours' first candidate by its confidence (threshold {detect.THRESHOLD}), every input of every mode:\n")
    print("| confidence | right | wrong | plain text |")
    print("|---|---|---|---|")
    for index in sorted(bins):
        right, wrong, plain = bins[index]
        print(f"| {index * width:.2f}–{(index + 1) * width:.2f} | {right} | {wrong} | {plain} |")


def timings(samples, detectors):
    by_language = {}
    for language, _, text in samples:
        by_language.setdefault(language, []).append(text)
    big = []
    for texts in by_language.values():
        joined = "\n".join(texts)
        while len(joined) < BIG:
            joined += "\n" + joined
        big.append(joined[:BIG])
    small = [cut(text) for _, _, text in samples for cut in (first_lines, excerpt)]
    detect.detect("warm up: load the model before timing")
    print("\nWall clock, then CPU time of this process (what a busy machine does not inflate); 20 lines: both")
    print("excerpts of every file; 100 KB: one input per language:\n")
    print("| detector | 20 lines median | 20 lines p95 | 100 KB median | 100 KB p95 | CPU 20 lines median | CPU 100 KB median |")
    print("|---|---|---|---|---|---|---|")
    for name, detector in detectors.items():
        row, cpu = [], []
        for inputs in (small, big):
            times, cpu_times = [], []
            for text in inputs:
                start, start_cpu = time.perf_counter(), time.process_time()
                detector(text)
                times.append(1000 * (time.perf_counter() - start))
                cpu_times.append(1000 * (time.process_time() - start_cpu))
            times.sort()
            row += [f"{statistics.median(times):.1f} ms", f"{times[int(0.95 * (len(times) - 1))]:.1f} ms"]
            cpu.append(f"{statistics.median(cpu_times):.1f} ms")
        print(f"| {name} | " + " | ".join(row + cpu) + " |")


LOAD_PROBE = """
import time
def rss_mb():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
from apps.highlighter.core import detect
before = rss_mb()
start = time.perf_counter()
detect.content_model.load()
loaded = time.perf_counter() - start
detect.detect("def f(x):\\n    return x\\n" * 10)
print(f"{loaded:.2f} {rss_mb() - before:.0f}")
"""


def load_cost(runs=3):
    """Seconds to load the model and MB of resident memory a fresh process gains, per run."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    print("\n| run | model load | RSS gained (load + first guess) |")
    print("|---|---|---|")
    for run in range(runs):
        out = subprocess.run([sys.executable, "-c", LOAD_PROBE], cwd=root, capture_output=True, text=True, check=True)
        seconds, megabytes = out.stdout.split()
        print(f"| {run + 1} | {seconds} s | {megabytes} MB |")


def own_name(name):
    """A corpus file's name as its project has it (``<package>__<digest>__<name>``)."""
    return name.rsplit("__", 1)[-1]


def names(samples):
    """The file-name rule (what the highlighter does with a name: ``detection.detected`` with the
    file's text, content rules off) on every file's own name: right, wrong, or not decided by
    the name (one no lexer claims, such as ``iex`` or ``*.policy``: the content decides)."""
    from apps.highlighter.core import detection

    right, wrong, undecided = 0, [], []
    for language, name, text in samples:
        found = detection.detected(text, own_name(name), content=False)
        if found is None:
            undecided.append(f"{language}/{own_name(name)}")
        elif (found[0].aliases or ("text",))[0] in ACCEPTED[language]:
            right += 1
        else:
            wrong.append(f"{language}/{own_name(name)} -> {found[0].name}")
    print(f"{len(samples)} files by their own names: {right} right, {len(wrong)} wrong, "
          f"{len(undecided)} names no lexer claims (the content decides)")
    for line in wrong + undecided:
        print("  " + line)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default=str(Path(__file__).parent / "corpus" / "eval"))
    parser.add_argument("--only", choices=list(DETECTORS), action="append", help="score only these")
    parser.add_argument("--misses", action="store_true", help="list the files ours gets wrong")
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--load", action="store_true", help="only the model's load time and memory")
    parser.add_argument("--calibrate", action="store_true", help="only ours' right and wrong by confidence (on tune)")
    parser.add_argument("--names", action="store_true", help="only the file-name rule, on each file's own name")
    args = parser.parse_args(argv)
    if args.load:
        return load_cost()
    detectors = {name: DETECTORS[name] for name in (args.only or DETECTORS)}
    samples = load(args.folder)
    if args.calibrate:
        return calibration(samples)
    if args.names:
        return names(samples)
    languages = sorted({language for language, _, _ in samples})
    print(f"{len(samples)} files, {len(languages)} languages, {args.folder}\n")
    print_table(score(samples, detectors, args.misses), languages)
    if PLAIN:
        print("\nours answered plain text (below the threshold): " + ", ".join(f"{n} {m}" for m, n in PLAIN.items()))
    if not args.no_timing:
        timings(samples, detectors)


if __name__ == "__main__":
    main()
