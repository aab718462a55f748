"""The whitelist of formatter and lexer options a client may set, each typed and bounded.

Options go straight into Pygments, so each one is checked here: unknown names are
refused (``cssfile``, ``tagsfile`` and friends would touch the server's files), types
are exact (``True`` is not an integer), numbers are bounded so that no option can
amplify the output (a ``tabsize`` of 5,000,000 once turned 10 tabs into 50 MB), and
strings that end up in HTML attributes or CSS must be short identifiers.
"""

import re

from .errors import HighlightError, as_sent, shorten

IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
MAX_LINE = 1_000_000_000
MAX_HL_LINES = 1000
MAX_TITLE = 200


def _boolean(value):
    if type(value) is bool:
        return value
    raise ValueError("must be true or false")


def _integer(low, high):
    def check(value):
        if type(value) is int and low <= value <= high:
            return value
        raise ValueError(f"must be an integer from {low} to {high}")
    return check


def _identifier(value):
    if isinstance(value, str) and IDENTIFIER.fullmatch(value):
        return value
    raise ValueError("must be a letter followed by up to 63 letters, digits, '_' or '-'")


def _linenos(value):
    if value is False or value in ("table", "inline"):
        return value
    if value is True:  # what Pygments does with a true value
        return "table"
    raise ValueError('must be "table", "inline" or false')


def _line_list(value):
    if not isinstance(value, (list, tuple)) or len(value) > MAX_HL_LINES:
        raise ValueError(f"must be a list of at most {MAX_HL_LINES} line numbers")
    for line in value:
        if type(line) is not int or not 1 <= line <= MAX_LINE:
            raise ValueError(f"must hold integers from 1 to {MAX_LINE}")
    return sorted(set(value))  # Pygments makes a set of it too; sorted keeps keys stable


def _title(value):
    if isinstance(value, str) and len(value) <= MAX_TITLE and value.isprintable():
        return value
    raise ValueError(f"must be printable text of at most {MAX_TITLE} characters")


# HtmlFormatter options, for format "html" only.
HTML_OPTIONS = {
    "linenos": _linenos,
    "linenostart": _integer(1, MAX_LINE),
    "linenostep": _integer(1, 1000),
    "hl_lines": _line_list,
    "lineanchors": _identifier,
    "linespans": _identifier,
    "anchorlinenos": _boolean,
    "wrapcode": _boolean,
    "nowrap": _boolean,
    "noclasses": _boolean,
    "cssclass": _identifier,
    "classprefix": _identifier,
    "full": _boolean,
    "title": _title,  # HTML-escaped by render: Pygments 2.21 inserts it raw
}

# Lexer options, for every format.
LEXER_OPTIONS = {
    "stripnl": _boolean,
    "stripall": _boolean,
    "tabsize": _integer(0, 16),
    "startinline": _boolean,
}


def check_options(options, format_name: str) -> dict:
    """``options`` validated for ``format_name``: a new dict of normalized values.

    Raises ``invalid_option`` naming the option and, for unknown names, listing the
    names allowed for that format.
    """
    if not isinstance(options, dict):
        raise HighlightError("invalid_option", "options must be an object of name: value.")
    allowed = dict(LEXER_OPTIONS)
    if format_name == "html":
        allowed.update(HTML_OPTIONS)
    checked = {}
    for name, value in options.items():
        if name not in allowed:
            where = "" if name not in HTML_OPTIONS else " (only with format html)"
            raise HighlightError(
                "invalid_option",
                f"Unknown option {shorten(name)}{where}. Options allowed with format "
                f"{format_name}: {', '.join(sorted(allowed))}.",
            )
        try:
            checked[name] = allowed[name](value)
        except ValueError as reason:
            raise HighlightError(
                "invalid_option", f"Option {name!r} {reason}; got {as_sent(value)}."
            ) from None
    return checked


def split_options(options: dict) -> tuple[dict, dict]:
    """Checked options split into (formatter options, lexer options)."""
    lexer = {k: v for k, v in options.items() if k in LEXER_OPTIONS}
    formatter = {k: v for k, v in options.items() if k not in LEXER_OPTIONS}
    return formatter, lexer
