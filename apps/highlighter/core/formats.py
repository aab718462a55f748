"""The output formats the service offers: Pygments' text formatters, plus ``tokens``.

Only text formats are offered (no image formatters: they need fonts from the server
and produce bytes). ``tokens`` and ``classes`` are ours: the token stream as JSON-ready lists, see
``render.token_lines`` (``classes`` names each token by its CSS classes, so a client can
colour tokens without knowing Pygments' token types); ``runs`` is ``classes`` without the
texts, for a client that holds the code (``render.token_runs``: run lengths per line). Names and aliases are matched case-insensitively.
"""

from dataclasses import dataclass

import pygments.formatters

from .errors import HighlightError, shorten


@dataclass(frozen=True)
class Format:
    """One output format: what clients call it and which Pygments formatter makes it."""

    name: str
    aliases: tuple[str, ...]
    description: str
    media_type: str
    formatter: str | None  # class name in pygments.formatters; None for "tokens", "classes" and "runs"

    def create_formatter(self, style: str, options: dict):
        """A fresh Pygments formatter for this format (not for ``tokens``, ``classes`` or ``runs``)."""
        return getattr(pygments.formatters, self.formatter)(style=style, **options)


FORMATS = (
    Format("html", ("htm",), "HTML: <div class=\"highlight\"><pre>...; "
           "CSS from style_css(), or inline styles with the noclasses option.",
           "text/html", "HtmlFormatter"),
    Format("tokens", (), "The token stream as JSON: one list per line of the input, "
           "each a list of [token type, text] pairs.", "application/json", None),
    Format("classes", (), "The token stream as JSON, as tokens, with the CSS classes the html "
           "format gives each token instead of its type: [classes, text] pairs (\"k\", "
           "\"kc\", \"\" for plain text); style them with /styles/{style}.css.",
           "application/json", None),
    Format("runs", (), "The classes stream in a compact form for clients that hold the code: "
           "{\"classes\": [distinct classes], \"lines\": [[class index, length, …], …]}, one flat "
           "list of runs per line, lengths in characters (code points) of the line.",
           "application/json", None),
    Format("ansi", ("terminal256", "console256", "256"),
           "ANSI escape codes for terminals with 256 colours, in the chosen style.",
           "text/plain", "Terminal256Formatter"),
    Format("terminal", ("terminal16", "console", "16"),
           "ANSI escape codes for 16-colour terminals (Pygments' own palette; "
           "the style is ignored).", "text/plain", "TerminalFormatter"),
    Format("truecolor", ("terminal16m", "console16m", "16m"),
           "ANSI escape codes for 24-bit colour terminals, in the chosen style.",
           "text/plain", "TerminalTrueColorFormatter"),
    Format("latex", ("tex",), "LaTeX: a Verbatim environment (fancyvrb); style "
           "commands via Pygments' LaTeX style definitions.", "application/x-latex",
           "LatexFormatter"),
    Format("rtf", (), "Rich Text Format, for word processors.", "application/rtf",
           "RtfFormatter"),
    Format("svg", (), "SVG with one <text> element per line.", "image/svg+xml",
           "SvgFormatter"),
    Format("bbcode", ("bb",), "BBCode for forums.", "text/plain", "BBCodeFormatter"),
)

_BY_NAME = {n: f for f in FORMATS for n in (f.name, *f.aliases)}


def find_format(name: str) -> Format:
    """The Format called ``name`` (or one of its aliases); ``unknown_format`` if none."""
    if isinstance(name, str) and name.lower() in _BY_NAME:
        return _BY_NAME[name.lower()]
    valid = ", ".join(f.name for f in FORMATS)
    raise HighlightError(
        "unknown_format",
        f"Unknown format {shorten(name)}. Valid formats: {valid} "
        "(aliases: see /api/formatters).",
    )
