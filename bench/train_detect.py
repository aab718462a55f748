"""Trains the learned language model (apps/highlighter/core/tokens_model.py) on bench/corpus/train.

Every training file (bench/detect_train_corpus.py; no project of tune or eval) is cut the ways a
paste is: the whole file, its first 20 lines, and WINDOWS windows of 20 lines from random places
(seeded: the same corpus gives the same weights). Each of these documents counts each distinct
feature once (tokens_model.features); a language's log-likelihood of a feature is naive Bayes'
with add-ALPHA smoothing. The weights are centred per feature (what every language shares says
nothing) and written as float16 to apps/highlighter/core/tokens_model.npz.

    .venv/bin/python bench/detect_train_corpus.py     # once: fetch the training files
    .venv/bin/python bench/train_detect.py            # -> apps/highlighter/core/tokens_model.npz
    .venv/bin/python bench/train_detect.py --choose   # the mix with Magika, scored on bench/corpus/tune
"""

import argparse
import random
import re
import sys
from pathlib import Path

import numpy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from apps.highlighter.core import tokens_model  # noqa: E402

HERE = Path(__file__).resolve().parent
TRAIN = HERE / "corpus" / "train"
SEED = 12
WINDOWS = 6
LINES = 20
ALPHA = 1e-2  # added to each feature's share of a language's documents
ALIAS = {"shell": "bash"}  # corpus folder -> Pygments alias, where they differ


_FENCE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL)


def without_code_blocks(text):
    """A Markdown text without its fenced code blocks: what makes it Markdown is around them, and
    the code inside would teach the model that every language's tokens are Markdown's too."""
    return _FENCE.sub("```\n```", text)


def documents(text, rng):
    """The whole text, its first LINES lines, and WINDOWS random runs of LINES lines."""
    lines = text.splitlines(keepends=True)
    yield text
    if len(lines) > LINES:
        yield "".join(lines[:LINES])
        for _ in range(WINDOWS):
            start = rng.randrange(len(lines) - LINES + 1)
            yield "".join(lines[start : start + LINES])


def count(folder=TRAIN):
    """(documents holding each feature, per language; documents per language)."""
    rng = random.Random(SEED)
    languages = tokens_model.LANGUAGES
    counts = numpy.zeros((tokens_model.BUCKETS, len(languages)), dtype=numpy.float64)
    totals = numpy.zeros(len(languages))
    for language_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        column = languages.index(ALIAS.get(language_dir.name, language_dir.name))
        for path in sorted(language_dir.iterdir()):
            text = path.read_bytes().decode("utf-8", errors="replace")
            if language_dir.name == "markdown":
                text = without_code_blocks(text)
            for document in documents(text, rng):
                counts[tokens_model.features(document), column] += 1
                totals[column] += 1
    return counts, totals


def train(folder=TRAIN):
    cache = HERE / "corpus" / ".cache" / f"train_counts_v{tokens_model.VERSION}.npz"
    if cache.exists() and cache.stat().st_mtime > max(p.stat().st_mtime for p in folder.iterdir()):
        with numpy.load(cache) as saved:
            counts, totals = saved["counts"], saved["totals"]
    else:
        counts, totals = count(folder)
        numpy.savez(cache, counts=counts, totals=totals)
    # Each language as if it had as many documents as any other: the share of its documents that
    # hold a feature, smoothed alike for all (a language with fewer files is not favoured by rare
    # features, one with more not penalised).
    shares = counts / totals
    loglik = numpy.log(shares + ALPHA) - numpy.log(shares.sum(axis=0) + ALPHA * tokens_model.BUCKETS)
    loglik -= loglik.mean(axis=1, keepdims=True)
    files = sum(1 for _ in folder.glob("*/*"))
    numpy.savez_compressed(tokens_model.WEIGHTS, version=numpy.int64(tokens_model.VERSION),
                           languages=numpy.array(tokens_model.LANGUAGES), loglik=loglik.astype(numpy.float16))
    size = tokens_model.WEIGHTS.stat().st_size
    print(f"{files} files -> {tokens_model.WEIGHTS} ({size / 2**20:.2f} MB)")


WEIGHTS = (2, 5, 8, 12, 16, 24)  # detect.MIX_WEIGHT candidates
THRESHOLDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7)  # detect.THRESHOLD candidates


def cuts(text):
    """The excerpts a tune file is scored on: bench/detect.py's three modes, and 20 lines from
    half-way and two thirds in (more excerpts, fewer chances to fit the mix to a handful)."""
    lines = text.splitlines(keepends=True)
    out = [text, "".join(lines[:LINES])]
    for fraction in (3, 2, 1.5):
        start = int(len(lines) / fraction) if len(lines) > LINES else 0
        out.append("".join(lines[start : start + LINES]))
    return out


def choose(folder=HERE / "corpus" / "tune"):
    """Accuracy on tune of Magika alone, the tokens model alone, today's detector, and the mix
    over a grid of its two settings (detect.MIX_WEIGHT, detect.THRESHOLD): what sets them."""
    import detect as bench  # bench/detect.py

    from apps.highlighter.core import detect

    import pickle

    samples = bench.load(folder)
    cache = HERE / "corpus" / ".cache" / "tune_magika.pickle"  # Magika and the detector before: slow, fixed
    if cache.exists():
        fixed = pickle.loads(cache.read_bytes())
    else:
        fixed = [(detect.model_scores(text), bench.first_alias(detect.detect(text).lexer))
                 for _, _, full in samples for text in cuts(full)]
        cache.write_bytes(pickle.dumps(fixed))
    model = tokens_model.TokensModel()
    rows = []
    texts = [(language, index, text) for language, _, full in samples for index, text in enumerate(cuts(full))]
    for (language, index, text), (ranked, before) in zip(texts, fixed):
        rows.append((language, index, text, ranked, model.scores(text), before))
    def right(language, alias):
        return bench.first_alias(alias) in bench.ACCEPTED[language]
    def report(name, answers):
        by_cut = {}
        for (language, index, *_), alias in zip(rows, answers):
            cell = by_cut.setdefault(index, [0, 0])
            cell[0] += right(language, alias)
            cell[1] += 1
        cells = " ".join(f"{100 * r / n:5.1f}" for r, n in (by_cut[i] for i in sorted(by_cut)))
        total = sum(r for r, _ in by_cut.values()) / sum(n for _, n in by_cut.values())
        print(f"{name:34} {cells}   all {100 * total:5.1f}")
    print(f"{len(samples)} tune files; columns: whole, first 20, from 1/3, from 1/2, from 2/3")
    report("magika alone", [ranked[0][0] if ranked else "text" for *_, ranked, _, _ in rows])
    report("tokens model alone", [max(nb, key=nb.get) if nb else "text" for *_, nb, _ in rows])
    report("detector before", [before for *_, before in rows])
    for weight in WEIGHTS:
        mixed = [detect.structure.adjust(text, detect.mix(ranked, nb, weight)) or [("text", 0.0)]
                 for _, _, text, ranked, nb, _ in rows]
        bins = {}
        for (language, *_), ((top, score), *_) in zip(rows, mixed):
            cell = bins.setdefault(min(int(score * 10), 9), [0, 0])
            cell[0 if right(language, top) else 1] += 1
        print(f"mix w={weight}: right/wrong by confidence " + " ".join(
            f"{b / 10:.1f}:{r}/{w}" for b, (r, w) in sorted(bins.items())))
        for threshold in THRESHOLDS:
            report(f"mix w={weight} t={threshold}", [top if score >= threshold else "text" for (top, score), *_ in mixed])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--choose", action="store_true", help="score the mix on bench/corpus/tune")
    args = parser.parse_args(argv)
    if args.choose:
        return choose()
    train()


if __name__ == "__main__":
    main()
