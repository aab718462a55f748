"""Which language a paste is in: the rules, in order, and why each guess was made.

1. `filename`: a file name Pygments knows (`get_lexer_for_filename`, plus a few names it misses).
2. `shebang`: `#!/usr/bin/env node`, `#!/bin/bash`, ...: the interpreter names the language.
3. `modeline`: an Emacs `-*- mode: ruby -*-` or a Vim `vim: ft=ruby` / `vim: set filetype=ruby:`, or
   Ruby's own magic comment `# frozen_string_literal: true` in the same first lines.
4. `model`: Magika's content model (apps/highlighter/core/content_model.py), weighed with a
   second opinion learned from tokens (tokens_model.py, trained on thousands of files of other
   projects; `mix`), then reordered by `structure.adjust` where it is measured to confuse neighbours: each language's
   markers (`std::`, `using System;`, a `## ` heading, ...) raise it, and a language without
   what it cannot do without (Handlebars without `{{`), or with what it cannot hold (CSS with a
   `//` comment), is lowered.
5. `pygments`: Pygments' own `guess_lexer`, when the model is unsure or names a language that has
   no lexer here; kept only when Pygments' analyser is near-certain (PYGMENTS_THRESHOLD), names a
   language the model does not know (the model has weighed those it knows: Python's analyser is
   sure of any text with `import ` in it), and the text is more than comments (`only_comments`:
   Brainfuck's analyser is sure of a C licence header drawn with `/*-----*/`).
6. `fallback`: plain text, when nothing reaches THRESHOLD (measured on bench/corpus/tune, see
   docs/performance.md "Language detection").

Only the first MAX_EXAMINED characters are read, whatever the input's size, and every search is
linear in what it reads (modelines in a few short lines; see tests/highlighter/test_core_detect.py). The first three rules
are always right when they fire; they never need the model, which is loaded once per process.
"""

import functools
import math
import os
import re
from dataclasses import dataclass, field

from pygments.lexers import _iter_lexerclasses, find_lexer_class_by_name, get_lexer_for_filename
from pygments.modeline import get_filetype_from_buffer
from pygments.util import ClassNotFound

from . import content_model, structure, tokens_model

MAX_EXAMINED = 64 * 1024
PYGMENTS_EXAMINED = 8 * 1024  # guess_lexer runs every lexer's analyser: keep its input short
# The lowest confidence of the mixed model from which right answers outnumber wrong ones on
# bench/corpus/tune (bench/train_detect.py --choose; docs/performance.md "Language detection").
THRESHOLD = 0.6
# Pygments' own analyser score needed to keep its guess. On bench/corpus/tune every guess it made
# at 0.5-0.9 was wrong (6 of 6), and keeping it when it agreed with a model candidate added one
# wrong answer and no right one; near-certain signatures serve languages the model lacks.
PYGMENTS_THRESHOLD = 0.9
LINE_WIDTH = 256  # characters of each line Pygments' analysers see (pygments_view)
BLANK_RUN = 64  # characters of each run of blank space they see
_BLANK_RUN = re.compile(r"\s{%d,}" % (BLANK_RUN + 1))
CANDIDATES = 5
# How much the tokens model's logits count beside Magika's log-probabilities, chosen on
# bench/corpus/tune (bench/train_detect.py --choose), never on eval.
MIX_WEIGHT = 1.0
MIX_FLOOR = 1e-4  # added to Magika's probabilities: a language it rules out can still win on tokens
PLAIN = "text"

# Magika labels whose Pygments name differs; labels not here are tried as Pygments names as is.
MODEL_TO_LEXER = {
    "cs": "csharp",
    "shell": "bash",
    "asm": "nasm",
    "bazel": "python",
    "dockerfile": "docker",
    "gemfile": "ruby",
    "gemspec": "ruby",
    "gradle": "groovy",
    "hcl": "terraform",
    "htaccess": "apacheconf",
    "ipynb": "json",
    "jsonl": "json",
    "lisp": "common-lisp",
    "makefile": "make",
    "objectivec": "objective-c",
    "pascal": "delphi",
    "po": "pot",
    "proto": "protobuf",
    "svg": "xml",
    "rdf": "xml",
    "csproj": "xml",
    "vcxproj": "xml",
    "aidl": "java",
    "vba": "vbscript",
    "autohotkey": "ahk",
}
NOT_CODE = {"txt", "randomtxt", "unknown", "empty", "csv", "tsv", "undefined"}

# File names that Pygments' patterns miss.
FILENAMES = {
    "Jenkinsfile": "groovy",
    ".envrc": "bash",
    "Gemfile.lock": PLAIN,
    "go.mod": "go",
}
# Endings several lexers claim where Pygments' tie-break picks the rarer language when the text
# does not settle it: ``*.pm`` is Promela's too (priority 0.1 over Perl's 0), so a Perl module
# without ``my`` or ``our`` (its analyser's only sign) was coloured as Promela.
SUFFIXES = {
    ".pm": "perl",
}

# Interpreters whose name is not a Pygments name.
INTERPRETERS = {
    "node": "javascript",
    "nodejs": "javascript",
    "deno": "typescript",
    "bun": "javascript",
    "ts-node": "typescript",
    "tsx": "typescript",
    "sh": "bash",
    "dash": "bash",
    "zsh": "bash",
    "ksh": "bash",
    "ash": "bash",
    "busybox": "bash",
    "pwsh": "powershell",
    "runghc": "haskell",
    "escript": "erlang",
    "osascript": "applescript",
}

# Modelines are short and sit at either end: only LINE_WIDTH characters of so many lines are
# searched, so that a long first or last line cannot make the searches below slow (both
# backtrack over a line: quadratic in its length).
VIM_LINES = 5
# Ruby's magic comment, a line the interpreter reads (no other language has it); kept with the
# modelines, in the same first lines.
# Ruby accepts ``frozen-string-literal`` and an Emacs-style ``# -*- frozen_string_literal: true -*-``.
RUBY_MAGIC_COMMENT = re.compile(
    r"#[ \t]*(?:-\*-[ \t]*)?frozen[_-]string[_-]literal:[ \t]*(?:true|false)[ \t]*(?:-\*-[ \t]*)?\r?$",
    re.IGNORECASE)
EMACS_MODE = re.compile(r"-\*-\s*(?:.*?\bmode:\s*)?([\w+#.-]+)\s*(?:;.*?)?-\*-", re.IGNORECASE)


@dataclass(frozen=True)
class Guess:
    lexer: str  # a Pygments lexer alias; "text" for plain text
    rule: str  # filename, shebang, modeline, model, pygments or fallback
    confidence: float
    candidates: list = field(default_factory=list)  # [(lexer alias, score)], best first

    def as_dict(self):
        return {
            "lexer": self.lexer,
            "rule": self.rule,
            "confidence": round(self.confidence, 4),
            "candidates": [{"lexer": alias, "score": round(score, 4)} for alias, score in self.candidates],
        }


@functools.lru_cache(maxsize=1024)
def lexer_alias(name):
    """The canonical alias of the Pygments lexer called `name`, or None."""
    try:
        return find_lexer_class_by_name(name.strip().lower()).aliases[0]
    except (ClassNotFound, IndexError):
        return None


def by_filename(filename):
    if not filename:
        return None
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    if base in FILENAMES:
        return FILENAMES[base]
    suffix = os.path.splitext(base)[1]
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    try:
        return get_lexer_for_filename(base).aliases[0]
    except ClassNotFound:
        return None


def by_shebang(text):
    if not text.startswith("#!"):
        return None
    words = text[2:].split("\n", 1)[0].split()
    if words and words[0].rsplit("/", 1)[-1] == "env":
        words = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
    if not words:
        return None
    program = words[0].rsplit("/", 1)[-1]
    bare = re.sub(r"[\d.]+$", "", program)  # python3.11 -> python, perl5 -> perl
    return INTERPRETERS.get(program) or INTERPRETERS.get(bare) or lexer_alias(program) or lexer_alias(bare)


def by_modeline(text):
    lines = [line[:LINE_WIDTH] for line in text.split("\n", VIM_LINES + 1)[: VIM_LINES + 1]]
    match = EMACS_MODE.search("\n".join(lines[:2]))  # Emacs reads its mode from the first two lines
    if match:
        alias = lexer_alias(match.group(1)) or lexer_alias(match.group(1).removesuffix("-ts"))
        if alias:
            return alias
    if any(RUBY_MAGIC_COMMENT.match(line) for line in lines):  # Ruby reads it at the top of a file
        return "ruby"
    # Vim: the first six and the last five lines (Pygments' own choice of lines, kept).
    lines += [line[:LINE_WIDTH] for line in text.rsplit("\n", VIM_LINES)[-VIM_LINES:]]
    filetype = get_filetype_from_buffer("\n".join(lines), max_lines=VIM_LINES)
    return lexer_alias(filetype) if filetype else None


def model_scores(text):
    """[(lexer alias, probability)] from the content model, best first, labels without a lexer left out."""
    ranked = []
    seen = set()
    for label, probability in content_model.load().scores(text.encode("utf-8", "replace")):
        if label in NOT_CODE:
            alias = PLAIN
        else:
            alias = lexer_alias(MODEL_TO_LEXER.get(label, label))
        if alias and alias not in seen:
            seen.add(alias)
            ranked.append((alias, probability))
    return ranked


def token_scores(text):
    """The tokens model's {alias: score}; {} when its weights cannot be loaded (then Magika decides
    alone; detection.load_model logs why at start-up)."""
    try:
        model = tokens_model.load()
    except (ImportError, MemoryError, OSError, ValueError, KeyError):
        return {}
    return model.scores(text)


def mix(ranked, token_scores, weight=None):
    """Magika's [(alias, probability)] weighed with the tokens model's logits, normalised, best
    first: log p + MIX_WEIGHT * (logit - best logit). A language the tokens model does not know
    (or plain text) gets the mean of its logits: neither for nor against it."""
    if not ranked or not token_scores:
        return ranked
    weight = MIX_WEIGHT if weight is None else weight
    best = max(token_scores.values())
    neutral = sum(token_scores.values()) / len(token_scores)
    logits = [math.log(p + MIX_FLOOR) + weight * (token_scores.get(alias, neutral) - best) for alias, p in ranked]
    top = max(logits)
    weights = [math.exp(logit - top) for logit in logits]
    total = sum(weights)
    return sorted(((alias, w / total) for (alias, _), w in zip(ranked, weights)), key=lambda pair: pair[1], reverse=True)


def pygments_view(text):
    """What Pygments' analysers are shown of a text: its first PYGMENTS_EXAMINED characters, each
    line cut to LINE_WIDTH and each run of blank space to BLANK_RUN. Some analysers search with
    patterns that backtrack over a whole line (Django's ``{{.*?}}``, the Vim modeline) or
    over blank lines (``^\\s*@import``), quadratic in its length; what makes a guess near-certain
    (a ``<?php``, an ``<?xml``, a keyword) survives the cuts."""
    lines = [line[:LINE_WIDTH] for line in text[:PYGMENTS_EXAMINED].split("\n")]
    return _BLANK_RUN.sub(lambda run: run.group()[:BLANK_RUN], "\n".join(lines))


@functools.lru_cache(maxsize=1)
def model_languages():
    """The lexer aliases of every label the model knows."""
    labels = content_model.load().labels
    return frozenset(filter(None, (lexer_alias(MODEL_TO_LEXER.get(label, label)) for label in labels)))


def pygments_guess(text):
    """(alias, Pygments' own score in [0, 1]) of guess_lexer's choice, or (None, 0.0)."""
    from pygments.lexers import guess_lexer

    text = pygments_view(text)
    try:
        lexer = guess_lexer(text)
    except ClassNotFound:
        return None, 0.0
    return lexer.aliases[0], float(lexer.analyse_text(text) or 0.0)


COMMENT_EXAMINED = 4 * 1024  # characters read to tell a text of comments from code
LINE_COMMENTS = ("//", "#", "--", ";", "%", "*")  # what starts a comment line (or a line inside /* */)
BLOCK_COMMENTS = {"/*": "*/", "<!--": "-->"}


def only_comments(text):
    """True when every line of the text's first COMMENT_EXAMINED characters that is not blank is a
    comment: a line comment in any common syntax, or inside a `/* */` or `<!-- -->` block. Such a
    text (a licence header) names no language, whatever Pygments' analysers think of it. Read
    line by line with plain string searches, never a lexer: some of Pygments' lexers take seconds
    on 4 KB of blank lines or of short lines."""
    closing = None
    seen = False
    for line in text[:COMMENT_EXAMINED].splitlines():
        rest = line.strip()
        while rest:
            if closing:
                end = rest.find(closing)
                if end < 0:
                    rest = ""
                    break
                rest, closing = rest[end + len(closing) :].strip(), None
                continue
            opening = next((o for o in BLOCK_COMMENTS if rest.startswith(o)), None)
            if opening:
                closing, rest = BLOCK_COMMENTS[opening], rest[len(opening) :]
                seen = True
                continue
            if rest.startswith(LINE_COMMENTS):
                seen = True
                break
            return False
    return seen


# A file name in a text: a word, a dot and an extension, not part of a URL, an e-mail address or a
# domain (``www.apache.org``, ``user@example.com``). It counts when it is a path (``src/main.rs``)
# or the only word of its line (bzip2's ``/*--- blocksort.c ---*/``, Xcode's ``//  Foo.swift``):
# a name in a sentence is as often a library's (``Node.js``, ``socket.io``) or a site's. At most
# NAMED_FILES of them are read, line by line, each line cut to LINE_WIDTH, in the first
# COMMENT_EXAMINED characters.
_FILE_NAME = re.compile(r"(?:[\w-]+/)*[\w-]+(\.[A-Za-z][A-Za-z0-9+]{0,9})")
_WORD = re.compile(r"[\w./+@:-]*\w[\w./+@:-]*")
NAMED_FILES = 8


_SUFFIX_PATTERN = re.compile(r"\*(\.[A-Za-z0-9_+.-]+)")  # "*.py": a name matches it iff it ends with ".py"


@functools.cache
def lexer_patterns():
    """Every lexer's file name patterns, once: ``({".py": [(lexer, primary)]}, [(other pattern,
    lexer, primary)])``, primary for its own ``filenames``, not for the ``alias_filenames`` it
    may use (9 in 10 patterns are a plain ``*.suffix``, looked up instead of matched). The lexers
    claiming a name (``detection``) and the languages a file name in a text names are read here."""
    by_suffix, others = {}, []
    for lexer in _iter_lexerclasses():
        patterns = [(pattern, True) for pattern in lexer.filenames] + [(p, False) for p in lexer.alias_filenames]
        for pattern, primary in patterns:
            simple = _SUFFIX_PATTERN.fullmatch(pattern)
            if simple:
                by_suffix.setdefault(simple.group(1), []).append((lexer, primary))
            else:
                others.append((pattern, lexer, primary))
    return by_suffix, others


def named_files(text):
    """The languages of the first NAMED_FILES file names a text shows as one (see _FILE_NAME):
    every alias of a lexer that claims the name's extension (``x.sql``: SQL, Transact-SQL, ...)."""
    named, seen = set(), 0
    for line in text[:COMMENT_EXAMINED].splitlines():
        words = _WORD.findall(line[:LINE_WIDTH])
        for word in words:
            match = _FILE_NAME.fullmatch(word)
            if match and (len(words) == 1 or "/" in word) and "@" not in word and ":" not in word \
                    and not word.startswith("www."):
                named.update(lexer.aliases[0] for lexer, primary in lexer_patterns()[0].get(match.group(1), ())
                             if primary and lexer.aliases)
                seen += 1
                if seen == NAMED_FILES:
                    return named
    return named


def named_in_comments(text, ranked):
    """``ranked`` with each candidate whose language a file name in the text names raised as a
    marker is (``structure.BOOST``), normalised. Only for a text of comments only: a licence
    header names no language by its code, but often its own file (PostgreSQL's
    ``src/backend/catalog/system_functions.sql``, bzip2's ``blocksort.c``, Xcode's
    ``//  ViewController.swift``)."""
    named = named_files(text)
    if not named:
        return ranked
    weighted = [(alias, p * structure.BOOST if alias in named and p >= structure.FLOOR else p) for alias, p in ranked]
    total = sum(p for _, p in weighted) or 1.0
    return sorted(((alias, p / total) for alias, p in weighted), key=lambda pair: pair[1], reverse=True)


def detect(text, filename=None):
    """The Guess for a text (and optional file name), by the first rule that decides."""
    alias = by_filename(filename)
    if alias:
        return Guess(alias, "filename", 1.0, [(alias, 1.0)])
    text = text[:MAX_EXAMINED]
    for rule, find in (("shebang", by_shebang), ("modeline", by_modeline)):
        alias = find(text)
        if alias:
            return Guess(alias, rule, 1.0, [(alias, 1.0)])
    if not text.strip() or "\x00" in text:
        return Guess(PLAIN, "fallback", 1.0, [])
    ranked = structure.adjust(text, mix(model_scores(text), token_scores(text)))
    comments = only_comments(text)
    if comments:
        ranked = named_in_comments(text, ranked)
    candidates = ranked[:CANDIDATES]
    top, score = candidates[0] if candidates else (PLAIN, 0.0)
    if top != PLAIN and score >= THRESHOLD:
        return Guess(top, "model", score, candidates)
    guessed, pygments_score = pygments_guess(text)
    if (
        guessed
        and guessed != PLAIN
        and pygments_score >= PYGMENTS_THRESHOLD
        and guessed not in model_languages()
        and not comments
    ):
        return Guess(guessed, "pygments", pygments_score, candidates)
    return Guess(PLAIN, "fallback", 1.0 - score if top != PLAIN else score, candidates)
