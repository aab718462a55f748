"""The one exception the highlighting core raises, with a code the web layer can show.

Every failure a client can cause or should know about is a ``HighlightError`` whose
``code`` is stable (clients branch on it) and whose ``status`` is the HTTP status the
web layer should answer with. The core itself never talks HTTP; the status is a hint.
Messages name the API's lists as the app's own paths (``/api/lexers``); the web layer,
which knows where the app is mounted, gives them their full path (``under_root``).
"""

import json
import re

STATUS = {
    "bad_request": 400,  # a field is missing or has the wrong type
    "unknown_lexer": 400,
    "unknown_style": 400,
    "unknown_format": 400,
    "invalid_option": 400,  # unknown option name, wrong type or out of bounds
    "too_large": 413,
    "timeout": 422,  # the input took longer than the time budget to highlight
    "output_too_large": 422,  # the output would pass the output budget (see budget.py)
    "busy": 503,  # every worker stayed busy for longer than the queue bound
    "worker_crashed": 500,  # the worker process died while highlighting
    "internal_error": 500,  # a bug (in Pygments or here) raised an exception
}


class HighlightError(Exception):
    """A failure with a stable ``code``, a human ``message`` and an HTTP ``status``.

    Results that end in a HighlightError are never cacheable.
    """

    def __init__(self, code: str, message: str, status: int | None = None):
        super().__init__(code, message, status)
        self.code = code
        self.message = message
        self.status = STATUS.get(code, 500) if status is None else status

    def __str__(self):
        return f"{self.code}: {self.message}"

    def to_dict(self) -> dict:
        """The JSON body the web layer sends: ``{"error": {"code", "message"}}``."""
        return {"error": {"code": self.code, "message": self.message}}


# The API's lists a message may point to, as paths from the app's root.
CATALOG_PATH = re.compile(r"(?<![\w/.])/api/(?:lexers|styles|formatters)\b")


def under_root(message: str, root: str) -> str:
    """``message`` with each list it names (``/api/lexers``) under ``root``, the path the app
    is mounted at (``/highlight``; empty when it runs alone): a path a client can follow."""
    return CATALOG_PATH.sub(lambda match: root + match.group(), message) if root else message


def shorten(value, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, for echoing client input in messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def as_sent(value, limit: int = 60) -> str:
    """A JSON value as the client wrote it (``[null]``, ``true``, ``"x"``), cut to ``limit``
    characters, for messages about a value that came in JSON: not Python's ``[None]``."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return shorten(value, limit)
    return text if len(text) <= limit else text[: limit - 1] + "…"
