"""Pygments as a library: the highlighting core of the highlighter app, framework-free.

Everything takes and returns plain data; nothing here imports a web framework::

    from apps.highlighter.core import HighlightRequest, Highlighter, HighlightError

    request = HighlightRequest.from_fields({"code": "x = 1", "lexer": "python"})
    pool = Highlighter(workers=2, timeout=2.0)   # one per process, shared by threads
    result = pool.highlight(request)  # {"output", "format", "lexer", "style", "guessed", "method"}
    pool.guess("a.h", code)  # {"lexer", "method", "guessed", "rule", "confidence", "candidates"}

``highlight(request)`` does the same in this process without a time limit; use it
only for trusted input (tests, the bench), since some lexers backtrack for minutes
on a few dozen bytes. Every failure is a ``HighlightError(code, message, status)``.

Modules: ``request`` (fields -> checked request), ``options`` (the option
whitelist), ``formats``, ``lexers`` (which lexer, and how it was chosen), ``detection``
with ``detect``, ``structure`` and ``content_model`` (the language of a text), ``render``
(the highlighting), ``catalog`` (lexers, styles, formats, CSS), ``cache`` (keys),
``budget`` (how large an output may be), ``pool`` with ``worker`` (the killable
worker processes).
"""

from .budget import OutputBudget
from .cache import OUTPUT_VERSION, PYGMENTS_VERSION, cache_key
from .catalog import list_formatters, list_lexers, list_styles, style_css
from .errors import HighlightError
from .lexers import guess
from .pool import Highlighter
from .render import highlight
from .request import HighlightRequest, check_size

__all__ = [
    "HighlightError",
    "HighlightRequest",
    "Highlighter",
    "OUTPUT_VERSION",
    "OutputBudget",
    "PYGMENTS_VERSION",
    "cache_key",
    "check_size",
    "guess",
    "highlight",
    "list_formatters",
    "list_lexers",
    "list_styles",
    "style_css",
]
