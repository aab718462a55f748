"""Language detection (``detect``) as the highlighter answers it: a Pygments lexer, the rule that
decided, how sure, and the candidates weighed.

``detect.detect`` knows the rules (file name, shebang, modeline, content model, Pygments' guess,
plain text); this module turns its ``Guess`` into a lexer class and the answer of ``/api/guess``
(also the ``detection`` of a highlight). Two things are added here:

- A file name several lexers claim (``*.h``, ``*.pl``, ``*.m``) is settled by the content among
  those lexers, as Pygments' ``guess_lexer_for_filename`` does (method ``filename+content``),
  unless the detector chose from its own table of names Pygments misses. One difference: a
  template language that only *may* use a name (Pygments' ``alias_filenames``: Django, Genshi,
  Lasso, PHP ... around ``*.html``, ``*.css``, ``*.js``, ``*.xml``) is weighed only when the text
  holds its delimiters (TEMPLATE_DELIMITERS). Pygments' analysers score plain CSS as Lasso
  (``padding:`` is enough) and a JavaScript template literal as Genshi, so every ``.css`` file
  of Django's admin was coloured as "CSS+Lasso" and most of its ``.js`` as "JavaScript+Genshi".
- The content model is loaded by ``load_model()`` when a highlighter process starts, before it
  says it is ready, so no request waits for it. If it cannot be loaded (the package is missing,
  the model file is broken), the reason is logged once and detection goes on without it: the
  file name, shebang and modeline rules still decide; content they do not settle is plain text
  (rule ``fallback``, confidence 0).

Reads the content, so it runs where highlighting runs: in a pool worker.
"""

import fnmatch
import functools
import logging
import os.path
import re

from pygments.lexers import find_lexer_class_by_name, find_lexer_class_for_filename
from pygments.lexers.special import TextLexer
from pygments.util import ClassNotFound

from . import content_model, detect, tokens_model

log = logging.getLogger(__name__)

MAX_CANDIDATES = 10
METHODS = {"filename": "filename", "shebang": "content", "modeline": "content", "model": "content",
           "pygments": "content", "fallback": "default"}
GUESSED_METHODS = frozenset({"filename", "filename+content", "content"})

_model_failure = None  # why the content model could not be loaded, once it failed


def load_model() -> bool:
    """Load the content model into this process now, and the lexers' file name patterns
    (``detect.lexer_patterns``: every lexer module imported, ~0.1 s); False (and one log line)
    if the model cannot be loaded."""
    global _model_failure
    detect.lexer_patterns()
    try:
        tokens_model.load()
    except Exception as error:  # noqa: BLE001 -- without it, Magika decides alone
        log.warning("Language detection runs without its tokens model (%s: %s): run bench/train_detect.py.",
                    type(error).__name__, error)
    try:
        content_model.load()
    except Exception as error:  # noqa: BLE001 -- any failure to load means: detect without it
        _model_failure = f"{type(error).__name__}: {error}"
        log.warning("Language detection runs without its content model (%s): content that no file name, "
                    "shebang or modeline names is shown as plain text.", _model_failure)
        return False
    return True


def detected(code, filename=None, *, content=True):
    """``(lexer class, answer)`` for a text and/or a file name.

    ``answer`` is ``{"lexer": {"name", "alias"}, "method", "guessed", "rule", "confidence",
    "candidates": [{"lexer", "name", "score"}]}``. With ``content=False`` only the file name may
    decide: None when it does not.
    """
    by_name = _by_filename(detect_base(filename)) if filename else None
    if by_name is not None and by_name.rule == "filename":
        guess = by_name  # the file name decides before any content rule (``detect.detect``)
    else:
        guess = _detect(code or "", filename) if content else by_name or _detect("", filename)
    if not content and guess.rule != "filename":
        return None
    lexer_class = lexer_class_for(guess.lexer)
    method = METHODS.get(guess.rule, "content")
    candidates = [(alias, score) for alias, score in guess.candidates]
    if guess.rule == "filename" and code:
        settled = settle_by_content(filename, code, lexer_class)
        if settled is not None and settled is not lexer_class:
            lexer_class, method = settled, "filename+content"
            candidates = [(settled.aliases[0] if settled.aliases else guess.lexer, 1.0)]
    return lexer_class, {
        "lexer": {"name": lexer_class.name, "alias": lexer_class.aliases[0] if lexer_class.aliases else None},
        "method": method,
        "guessed": method in GUESSED_METHODS,
        "rule": guess.rule,
        "confidence": score(guess.confidence),
        "candidates": [{"lexer": alias, "name": lexer_name(alias), "score": score(value)}
                       for alias, value in candidates[:MAX_CANDIDATES]],
    }


def _detect(text, filename):
    if _model_failure is None:
        return detect.detect(text, filename)
    try:
        return detect.detect(text, filename)
    except Exception:  # noqa: BLE001 -- the model failed to load at start-up, and again now
        return detect.Guess("text", "fallback", 0.0, [])


def settle_by_content(filename, code, by_name):
    """The lexer Pygments' analysers prefer among those claiming ``filename`` (a template language
    that only may use the name, only when the text holds its delimiters), or None when the
    detector's choice is not Pygments' own for that name."""
    name = os.path.basename(filename)
    claimants = _claimants(name)
    own = _pygments_for_filename(name)
    # The detector's own choice for a name (``detect.SUFFIXES``: ``*.pm`` is Perl, where
    # Pygments' priority says Promela) is settled too, and preferred where the analysers tie.
    preferred = by_name if by_name is not own else None
    if preferred is not None and preferred not in dict(claimants):
        return None
    if len(claimants) <= 1:  # Pygments' own answer then, without running an analyser
        return claimants[0][0] if claimants else None
    # Pygments' analysers see what detect shows them (detect.pygments_view): some backtrack
    # over a whole line or a run of blank lines (C's ``^\s*#if``: 16 s on 64 KB of blank lines).
    view = detect.pygments_view(code)
    weighed = [(lexer, primary) for lexer, primary in claimants if primary or holds_delimiters(lexer, view)]
    if len(weighed) == 1:
        return weighed[0][0]
    return most_likely(weighed, view, preferred)


def most_likely(weighed, text, preferred=None):
    """The choice of Pygments' ``guess_lexer_for_filename`` among ``[(lexer class, primary)]``:
    the highest analyser score, then ``preferred``, then a name the lexer claims as its own
    (``filenames``) over one it may use, then priority, then class name. (Pygments returns the
    first lexer sure of the text, 1.0, in the order of a set: where two are, its choice changes
    from one process to the next; here the same rules as for any tie decide.)"""
    scored = [(lexer.analyse_text(text), lexer is preferred, primary, lexer.priority, lexer.__name__, lexer)
              for lexer, primary in weighed]
    return max(scored, key=lambda entry: entry[:5])[-1]


# What a template language's text holds, whatever it is written around: one of these, searched in
# what Pygments' analysers are shown. Keyed by the word Pygments' class names share (HtmlDjango,
# CssDjango, JavascriptDjango, XmlDjango: Django's and Jinja's ``{% %}`` and ``{{ }}``).
TEMPLATE_DELIMITERS = {
    # ``{%``, ``{#``, or ``{{ expression }}`` on one line that holds no ``key: value`` (JSX's
    # ``style={{color: "red"}}``, a JSDoc type ``{{ error?: boolean }}``).
    "Django": re.compile(r"\{[%#]|\{\{(?![^{}\n]*\w\??:\s)[^{}\n]*\}\}"),
    "Erb": re.compile(r"<%"),
    "Rhtml": re.compile(r"<%"),
    "Genshi": re.compile(r"\bpy:\w+=|genshi\.edgewall\.org"),
    "Php": re.compile(r"<\?(?:php\b|=)", re.IGNORECASE),
    "Smarty": re.compile(r"\{(?:\$|/?(?:if|foreach|section|include|assign|block|extends|capture|literal)\b)"),
    "Evoque": re.compile(r"\$(?:begin|if|for|evoque|overlay|prefer|test)\{"),
    "Lasso": re.compile(r"<\?lasso|\blasso9\b|\[no_square_brackets\]", re.IGNORECASE),
    "Velocity": re.compile(r"#(?:set|if|foreach|macro|parse|include)\s*\("),
}
_TEMPLATE_FAMILY = re.compile("|".join(TEMPLATE_DELIMITERS))


def holds_delimiters(lexer, text):
    """Whether ``text`` holds the delimiters of the template language ``lexer`` colours (a lexer
    of no template language listed here: always)."""
    family = _TEMPLATE_FAMILY.search(lexer.__name__)
    return family is None or TEMPLATE_DELIMITERS[family.group()].search(text) is not None


# A file name's lexers are a function of the name alone, and each lookup matches the name against
# every lexer's patterns (about 950 fnmatch calls with Pygments 2.21): a page of a patch asks for
# the same few names hundreds of times (``django.po``, ``*.py``), so the answers are kept.
# They are kept by base name, which is all each lookup reads: a patch's files have many paths
# and few names.
@functools.lru_cache(maxsize=4096)
def _by_filename(base):
    """The detector's Guess from the file name alone (``detect.detect`` with no text)."""
    return _detect("", base)


def detect_base(filename):
    """The base name ``detect.by_filename`` reads (either slash separates directories)."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1]


@functools.lru_cache(maxsize=4096)
def _pygments_for_filename(base):
    """``find_lexer_class_for_filename``, kept per base name (the only part it reads)."""
    return find_lexer_class_for_filename(base)


@functools.lru_cache(maxsize=4096)
def _claimants(name):
    """``((lexer class, primary), ...)`` for each lexer whose ``filenames`` (primary) or
    ``alias_filenames`` (a name it may use) match ``name``: the ones ``guess_lexer_for_filename``
    weighs (it returns the only one without analysing the text)."""
    by_suffix, others = detect.lexer_patterns()
    suffixes = [name[index:] for index, char in enumerate(name) if char == "."]
    matches = [entry for suffix in suffixes for entry in by_suffix.get(suffix, ())]
    matches += [(lexer, primary) for pattern, lexer, primary in others if fnmatch.fnmatchcase(name, pattern)]
    found = {}
    for lexer, primary in matches:  # as Pygments: a name one of its alias patterns matches is not primary
        found[lexer] = found.get(lexer, True) and primary
    return tuple(sorted(found.items(), key=lambda entry: entry[0].__name__))


@functools.lru_cache(maxsize=1024)
def lexer_class_for(alias):
    """The lexer class of a detector's alias; plain text for one Pygments does not know."""
    try:
        return find_lexer_class_by_name(alias)
    except ClassNotFound:
        return TextLexer


def lexer_name(alias):
    return lexer_class_for(alias).name


def score(value):
    return round(min(max(float(value), 0.0), 1.0), 4)
