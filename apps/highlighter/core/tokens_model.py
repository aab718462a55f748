"""A second opinion on a text's language, learned from its tokens: a small linear (softmax) model.

Magika (content_model) reads bytes and is strong on whole files; on a 20-line excerpt with no
imports, or one that is only a licence header, it often hesitates between neighbours. This model
reads what a person reads: identifiers, keywords, runs of punctuation, pairs of them, what a line
starts and ends with, and the words of comments (an Apache licence header says Java more often
than not). It is a multinomial logistic regression trained by bench/train_detect.py on thousands
of files from projects that share nothing with the evaluation sets (bench/detect_train_corpus.py),
each cut the ways a paste is (the whole file, its first 20 lines, random 20-line windows), so it
learned what short excerpts and licence headers of each language look like, not only whole
files. Its weights are `tokens_model.npz` beside this module: for each of BUCKETS hashed
features, one weight per language (float16), and one bias per language.

`scores(text)` gives, for each of its LANGUAGES (Pygments aliases), the logit of that language:
the sum of the weights of the text's distinct features divided by the square root of their
number (the features as a unit-length vector), plus the bias. A softmax of the logits is the
model's probability; detect.py mixes the logits with Magika's probabilities. The
features are found with one linear pass of a regular expression over at most EXAMINED characters,
each token cut to TOKEN_WIDTH, each punctuation run to three characters, so a hostile input (one
64 KB line, `{{{{...`) costs what an ordinary one of the same size does. Loaded once per process
(`load()`), as the content model is; numpy is imported by that load, not by importing this module.
"""

import re
import threading
import zlib
from pathlib import Path

WEIGHTS = Path(__file__).with_name("tokens_model.npz")
VERSION = 2  # of the features below and the model's form; bench/train_detect.py writes it into the weights
BUCKETS = 1 << 16
EXAMINED = 16 * 1024
TOKEN_WIDTH = 24
LANGUAGES = ("python", "javascript", "typescript", "go", "rust", "java", "kotlin", "swift", "c", "cpp",
             "csharp", "php", "ruby", "perl", "bash", "sql", "html", "css", "json", "yaml", "toml", "xml",
             "markdown", "elixir")

# A word (identifiers, keywords, comment words), a number, or a run of at most three punctuation marks.
_TOKEN = re.compile(r"[A-Za-z_$@][A-Za-z0-9_$]*|[0-9]+|[^\sA-Za-z0-9_$@]{1,3}")


def features(text):
    """The distinct hashed features (bucket numbers) of a text's first EXAMINED characters."""
    text = text[:EXAMINED]
    words = [token[:TOKEN_WIDTH] for token in _TOKEN.findall(text)]
    found = set(words)
    found.update(f"{a} {b}" for a, b in zip(words, words[1:]))
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:  # how a line starts (indented or not, its first token) and the mark it ends with
            first = _TOKEN.match(stripped)
            indent = line[0] if line[0] in " \t" else ""
            found.add(f"^{indent}{first.group()[:TOKEN_WIDTH] if first else ''} {stripped[-1]}$")
    return sorted({zlib.crc32(feature.encode("utf-8", "replace")) & (BUCKETS - 1) for feature in found})


class TokensModel:
    def __init__(self, path=WEIGHTS):
        import numpy  # here, not at import: a process under a tight memory cap must still import detect

        with numpy.load(path) as weights:
            if int(weights["version"]) != VERSION or tuple(weights["languages"]) != LANGUAGES:
                raise ValueError(f"{path.name} was trained for other features or languages: run bench/train_detect.py")
            self.weights = weights["weights"].astype(numpy.float32)  # (BUCKETS, languages)
            self.bias = weights["bias"].astype(numpy.float32)  # (languages,)
        self.languages = LANGUAGES

    def scores(self, text):
        """{language: logit}; {} for a text without any feature."""
        buckets = features(text)
        if not buckets:
            return {}
        logits = self.weights[buckets].sum(axis=0) / len(buckets) ** 0.5 + self.bias
        return dict(zip(self.languages, logits.tolist()))


_lock = threading.Lock()
_model = None


def load():
    """The process's one model, loaded on first call (thread-safe)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = TokensModel()
    return _model
