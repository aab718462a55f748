"""Which lexer highlights a request, and how it was chosen.

The order is: the ``lexer`` the client named, then its ``mimetype``, then language
detection (``detection``, the rules of ``detect``): the ``filename`` always, the content
(shebang, modeline, content model, Pygments' guess) only if the client asked for it with
``guess``; otherwise plain text. The method that decided is reported, the lexer counts as
*guessed* when no explicit name or mimetype did, and when detection ran its whole answer
(rule, confidence, candidates) is reported too.

Name lookups use a table built from Pygments' lexer registry, so an unknown name is
refused without importing or running any lexer; everything that reads the content
(``analyse_text`` can backtrack too) runs where highlighting runs: in a pool worker.
"""

import functools

from pygments.lexers import find_lexer_class, get_all_lexers, get_lexer_for_mimetype
from pygments.lexers.special import TextLexer
from pygments.util import ClassNotFound

from . import detection
from .errors import HighlightError, shorten

GUESSED_METHODS = detection.GUESSED_METHODS


@functools.cache
def _names() -> dict[str, str]:
    """Lower-cased aliases and names -> the lexer's name (aliases win, first one wins)."""
    lexers = list(get_all_lexers(plugins=True))
    table = {}
    for name, aliases, _, _ in lexers:
        for alias in aliases:
            table.setdefault(alias.lower(), name)
    for name, _, _, _ in lexers:
        table.setdefault(name.lower(), name)
    return table


def canonical_lexer(requested: str) -> str:
    """The name of the lexer called ``requested`` (a name or alias, any case)."""
    name = _names().get(requested.lower()) if isinstance(requested, str) else None
    if name is None:
        raise HighlightError(
            "unknown_lexer",
            f"Unknown lexer {shorten(requested)}. "
            "See /api/lexers for the valid names and aliases.",
        )
    return name


def describe(lexer) -> dict:
    """``{"name", "alias"}`` of a lexer instance, as results report it."""
    return {"name": lexer.name, "alias": lexer.aliases[0] if lexer.aliases else None}


def choose_lexer(code=None, *, lexer=None, mimetype=None, filename=None,
                 guess=False, options=None):
    """``(lexer instance, method, detected)`` for a request, following the order above.

    ``lexer`` must already be canonical (see ``canonical_lexer``). ``method`` is one of
    "lexer", "mimetype", "filename", "filename+content", "content", "default".
    ``detected`` is the detection's answer (see ``guess``) when detection chose, else None.
    An unknown mimetype or a filename no lexer claims does not decide; the next rule does.
    """
    options = options or {}
    if lexer:
        return find_lexer_class(lexer)(**options), "lexer", None
    if mimetype:
        try:
            return get_lexer_for_mimetype(mimetype, **options), "mimetype", None
        except ClassNotFound:
            pass
    if filename or guess:
        found = detection.detected(code, filename or None, content=guess)
        if found is not None:
            lexer_class, answer = found
            return lexer_class(**options), answer["method"], answer
    return TextLexer(**options), "default", None


def guess(filename=None, code=None) -> dict:
    """The lexer detected for a filename and/or content, and how it was decided.

    ``{"lexer": {"name", "alias"}, "method", "guessed", "rule", "confidence", "candidates":
    [{"lexer", "name", "score"}]}``: ``method`` is "filename", "filename+content", "content"
    or "default" (plain text); ``rule`` is the detection rule that decided (``detect``).
    Reads the content, so it belongs in a pool worker for untrusted input
    (``Highlighter.guess``).
    """
    if filename is not None and not (isinstance(filename, str) and len(filename) <= 255):
        raise HighlightError("bad_request", "filename must be a string of at most 255 characters.")
    if code is not None and not isinstance(code, str):
        raise HighlightError("bad_request", "code must be a string.")
    return detection.detected(code, filename or None)[1]
