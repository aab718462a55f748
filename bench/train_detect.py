"""Trains the learned language model (apps/highlighter/core/tokens_model.py) on bench/corpus/train.

Every training file (bench/detect_train_corpus.py; no project of tune, eval or eval2) is cut the
ways a paste is: the whole file, its first 20 lines (often only a licence header: the model
learns each language's header style) and WINDOWS windows of 20 lines from random places (seeded:
the same corpus gives the same weights). Each cut is a document: its distinct hashed features
(tokens_model.features) as a unit-length vector. The model is a multinomial logistic regression
(softmax) over those vectors, fitted by minibatch Adam in numpy (EPOCHS passes, L2 penalty), each
language weighted as if it had as many documents as any other (a language with more files is not
favoured). The weights are written as float16, the biases as float32, to
apps/highlighter/core/tokens_model.npz. Only numpy is needed, here as at run time.

    .venv/bin/python bench/detect_train_corpus.py     # once: fetch the training files
    .venv/bin/python bench/train_detect.py            # -> apps/highlighter/core/tokens_model.npz
    .venv/bin/python bench/train_detect.py --validate # held-out projects of train: accuracy per cut
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
WINDOWS = 8
LINES = 20
EPOCHS = 5
RATE = 0.01  # Adam's step size
L2 = 1e-6  # penalty on the weights a minibatch touches
BATCH = 256
HELD_OUT = 5  # --validate: every HELD_OUT-th project is held out
ALIAS = {"shell": "bash"}  # corpus folder -> Pygments alias, where they differ


_FENCE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL)


def without_code_blocks(text):
    """A Markdown text without its fenced code blocks: what makes it Markdown is around them, and
    the code inside would teach the model that every language's tokens are Markdown's too."""
    return _FENCE.sub("```\n```", text)


def documents(text, rng):
    """(cut, text): the whole text (0), its first LINES lines (1), WINDOWS random runs of LINES lines (2)."""
    lines = text.splitlines(keepends=True)
    yield 0, text
    if len(lines) > LINES:
        yield 1, "".join(lines[:LINES])
        for _ in range(WINDOWS):
            start = rng.randrange(len(lines) - LINES + 1)
            yield 2, "".join(lines[start : start + LINES])


def build(folder=TRAIN):
    """Every document's features, as one sparse matrix (CSR: indices, row pointers), with its
    language, project and cut; cached beside the corpus (features are slow to find in Python)."""
    cache = HERE / "corpus" / ".cache" / f"train_documents_v{tokens_model.VERSION}.npz"
    if cache.exists() and cache.stat().st_mtime > max(p.stat().st_mtime for p in folder.iterdir()):
        with numpy.load(cache) as saved:
            return {key: saved[key] for key in saved.files}
    rng = random.Random(SEED)
    indices, pointers, languages, projects, cuts_ = [], [0], [], [], []
    seen = {}
    for language_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        column = tokens_model.LANGUAGES.index(ALIAS.get(language_dir.name, language_dir.name))
        for path in sorted(language_dir.iterdir()):
            text = path.read_bytes().decode("utf-8", errors="replace")
            if language_dir.name == "markdown":
                text = without_code_blocks(text)
            project = seen.setdefault(path.name.split("__")[0], len(seen))
            for cut, document in documents(text, rng):
                found = tokens_model.features(document)
                if found:
                    indices.extend(found)
                    pointers.append(len(indices))
                    languages.append(column)
                    projects.append(project)
                    cuts_.append(cut)
    matrix = {"indices": numpy.array(indices, numpy.int32), "pointers": numpy.array(pointers, numpy.int64),
              "languages": numpy.array(languages, numpy.int16), "projects": numpy.array(projects, numpy.int32),
              "cuts": numpy.array(cuts_, numpy.int8)}
    numpy.savez(cache, **matrix)
    return matrix


def fit(matrix, rows, epochs=EPOCHS, rate=RATE, l2=L2, seed=SEED):
    """(weights, bias) of a softmax regression on the documents `rows`, by minibatch Adam; only
    the rows of the weights a minibatch's features touch are updated (lazy Adam, L2 on those)."""
    indices, pointers, labels = matrix["indices"], matrix["pointers"], matrix["languages"]
    count = len(tokens_model.LANGUAGES)
    weights = numpy.zeros((tokens_model.BUCKETS, count), numpy.float32)
    bias = numpy.zeros(count, numpy.float32)
    moment, velocity = numpy.zeros_like(weights), numpy.zeros_like(weights)
    bias_moment, bias_velocity = numpy.zeros_like(bias), numpy.zeros_like(bias)
    lengths = numpy.diff(pointers)
    norm = (1 / numpy.sqrt(numpy.maximum(lengths, 1))).astype(numpy.float32)
    per_language = numpy.bincount(labels[rows], minlength=count).astype(numpy.float64)
    balance = (per_language.sum() / (count * numpy.maximum(per_language, 1))).astype(numpy.float32)
    beta1, beta2, eps, step = 0.9, 0.999, 1e-8, 0
    shuffle = numpy.random.RandomState(seed)
    for _ in range(epochs):
        order = rows[shuffle.permutation(len(rows))]
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            size = len(batch)
            found = numpy.concatenate([indices[pointers[d] : pointers[d + 1]] for d in batch])
            owner = numpy.repeat(numpy.arange(size), lengths[batch])
            offsets = numpy.concatenate([[0], numpy.cumsum(lengths[batch])[:-1]])
            logits = numpy.add.reduceat(weights[found], offsets, axis=0) * norm[batch, None] + bias
            logits -= logits.max(axis=1, keepdims=True)
            grad = numpy.exp(logits)
            grad /= grad.sum(axis=1, keepdims=True)
            grad[numpy.arange(size), labels[batch]] -= 1
            grad *= (balance[labels[batch]] / size)[:, None]
            touched, where = numpy.unique(found, return_inverse=True)
            per_feature = grad[owner] * norm[batch][owner][:, None]
            grad_w = numpy.empty((len(touched), count), numpy.float32)
            for column in range(count):
                grad_w[:, column] = numpy.bincount(where, per_feature[:, column], minlength=len(touched))
            grad_w += l2 * weights[touched]
            step += 1
            scale = rate * numpy.sqrt(1 - beta2**step) / (1 - beta1**step)
            moment[touched] = beta1 * moment[touched] + (1 - beta1) * grad_w
            velocity[touched] = beta2 * velocity[touched] + (1 - beta2) * grad_w * grad_w
            weights[touched] -= scale * moment[touched] / (numpy.sqrt(velocity[touched]) + eps)
            grad_b = grad.sum(axis=0)
            bias_moment = beta1 * bias_moment + (1 - beta1) * grad_b
            bias_velocity = beta2 * bias_velocity + (1 - beta2) * grad_b * grad_b
            bias -= scale * bias_moment / (numpy.sqrt(bias_velocity) + eps)
    return weights, bias


def train(folder=TRAIN):
    matrix = build(folder)
    weights, bias = fit(matrix, numpy.arange(len(matrix["languages"])))
    numpy.savez_compressed(tokens_model.WEIGHTS, version=numpy.int64(tokens_model.VERSION),
                           languages=numpy.array(tokens_model.LANGUAGES), weights=weights.astype(numpy.float16),
                           bias=bias)
    files = sum(1 for _ in folder.glob("*/*"))
    size = tokens_model.WEIGHTS.stat().st_size
    print(f"{files} files, {len(matrix['languages'])} documents -> {tokens_model.WEIGHTS} ({size / 2**20:.2f} MB)")


def validate(folder=TRAIN):
    """Accuracy of the model alone on the projects it was not fitted on (every HELD_OUT-th), per
    cut: the cross-check on train that sets EPOCHS, RATE and L2 (never tune or eval)."""
    matrix = build(folder)
    held = matrix["projects"] % HELD_OUT == 0
    weights, bias = fit(matrix, numpy.flatnonzero(~held))
    indices, pointers = matrix["indices"], matrix["pointers"]
    rows = numpy.flatnonzero(held)
    guesses = numpy.array([(weights[indices[pointers[d] : pointers[d + 1]]].sum(axis=0)
                            / numpy.sqrt(pointers[d + 1] - pointers[d]) + bias).argmax() for d in rows])
    right = guesses == matrix["languages"][rows]
    names = ("whole", "first 20", "20-line windows")
    cuts_ = matrix["cuts"][rows]
    print(f"held-out projects: {len(rows)} documents; " + ", ".join(
        f"{name} {100 * right[cuts_ == cut].mean():.1f} %" for cut, name in enumerate(names)))


WEIGHTS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)  # detect.MIX_WEIGHT candidates
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
    parser.add_argument("--validate", action="store_true", help="accuracy on held-out projects of train")
    args = parser.parse_args(argv)
    if args.choose:
        return choose()
    if args.validate:
        return validate()
    train()


if __name__ == "__main__":
    main()
