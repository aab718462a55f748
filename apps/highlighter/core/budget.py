"""The output budget: how large one highlight's answer may be, checked twice.

Pygments can turn a small input into a huge output: per-line options (line numbers from
a nine-digit ``linenostart``, ``lineanchors``, ``linespans``, ``anchorlinenos``) add a few
hundred bytes to every line, so 1.5 MB of newlines once became a 214 MB answer, and SVG
writes each space as ``&#160;``. So each request carries a limit (``OutputBudget.limit``:
an absolute maximum, and at most a floor plus a multiple of the input), and it is held:

1. **Up front**, before any highlighting, when the options make it certain:
   ``minimum_output_bytes`` is a lower bound of the output's size, counted from the
   number of lines and the characters HTML escapes, never an estimate that could be
   too high. A request whose lower bound is over its limit is refused at once.
2. **While writing**, in the worker: the formatter writes into a ``BoundedWriter`` that
   stops the work as soon as the output passes the limit, and the finished output is
   measured as the JSON the web layer will send. The web process only ever receives
   what fits.

Either way the error is ``output_too_large`` (422) with a message saying what to change.
"""

import json
from dataclasses import dataclass

from .errors import HighlightError

MiB = 1024 * 1024
# What the HTML-like formats write instead of a character: html escapes & < >, svg quotes too.
HTML_ESCAPE_EXTRA = {"&": len("&amp;") - 1, "<": len("&lt;") - 1, ">": len("&gt;") - 1}
SVG_ESCAPE_EXTRA = {**HTML_ESCAPE_EXTRA, '"': len("&quot;") - 1, "'": len("&#x27;") - 1}
SVG_SPACE_EXTRA = len("&#160;") - 1  # SvgFormatter's spacehack (on by default)
SVG_LINE = len('</text>\n<text x="0" y="0" xml:space="preserve">')


@dataclass(frozen=True)
class OutputBudget:
    """``max_bytes``: the most any answer may hold; ``ratio`` (with ``floor``): the most
    per byte of input, so small requests cannot ask for large answers. 0 turns a bound off."""

    max_bytes: int = 16 * MiB
    ratio: int = 64
    floor: int = 1 * MiB

    def limit(self, input_bytes: int) -> int | None:
        """The output limit for an input of ``input_bytes`` (None: unlimited)."""
        limits = [self.max_bytes] if self.max_bytes else []
        if self.ratio:
            limits.append(self.floor + self.ratio * input_bytes)
        return min(limits) if limits else None


def too_large(limit: int, detail: str) -> HighlightError:
    return HighlightError(
        "output_too_large",
        f"The highlighted output {detail}; this service sends at most {limit:,} bytes for an "
        "input this size. Ask for fewer per-line extras (linenos, lineanchors, linespans, "
        "anchorlinenos, a shorter linenostart), another format, or highlight less code.",
    )


def check_minimum(code: str, format_name: str, options: dict, limit: int | None) -> None:
    """Refuse now if the output is certain to be over ``limit``."""
    if limit is None:
        return
    minimum = minimum_output_bytes(code, format_name, options)
    if minimum > limit:
        raise too_large(limit, f"would be at least {minimum:,} bytes with these options")


def minimum_output_bytes(code: str, format_name: str, options: dict) -> int:
    """A lower bound of the output's size in bytes (never more than the real size).

    Lines are counted after the most stripping any option could do, and every per-line
    extra is counted with the shortest form Pygments writes it in.
    """
    text = code.strip()
    lines = text.count("\n") + 1  # Pygments ensures a final newline
    size = max(0, len(text) - code.count("\r") - 1)  # \r\n becomes \n; a BOM goes
    escapes = {"html": HTML_ESCAPE_EXTRA, "svg": SVG_ESCAPE_EXTRA}.get(format_name, {})
    size += sum(extra * code.count(char) for char, extra in escapes.items())
    if format_name == "svg":
        spaces = text.count(" ") + svg_tab_spaces(text, options.get("tabsize", 0))
        size += SVG_SPACE_EXTRA * spaces + SVG_LINE * (lines - 1)
    if format_name == "html":
        size += html_line_extras(options, lines)
    return size


def svg_tab_spaces(text: str, tabsize: int) -> int:
    """The fewest spaces SVG writes for the tabs in ``text``: a tab is at least one space,
    and the second of two tabs in a row starts at a tab stop, so it is a whole tab width
    (8, or the lexer's ``tabsize``, which expands tabs before the formatter sees them)."""
    width = tabsize or 8
    return text.count("\t") + (width - 1) * text.count("\t\t")


def html_line_extras(options: dict, lines: int) -> int:
    """The fewest bytes HtmlFormatter adds to ``lines`` lines for these options."""
    if options.get("nowrap"):
        return 0  # nowrap drops line numbers, anchors and spans
    digits = len(str(options.get("linenostart", 1)))  # every number has at least these
    per_line = 0
    if options.get("linenos"):
        per_line += digits  # numbers not shown are padded with as many spaces
    if options.get("lineanchors"):
        per_line += len('<a id="-" name="-"></a>') + 2 * (len(options["lineanchors"]) + digits)
    if options.get("linespans"):
        per_line += len('<span id="-"></span>') + len(options["linespans"]) + digits
    extras = lines * per_line
    if options.get("linenos") == "table" and options.get("anchorlinenos"):
        anchor = options.get("lineanchors") or options.get("linespans") or "None"
        shown = lines // options.get("linenostep", 1)  # every linenostep-th number is a link
        extras += shown * (len('<a href="#-"></a>') + len(anchor) + digits)
    return extras


class BoundedWriter:
    """A text file that keeps what is written until it passes ``limit`` characters, then
    raises ``output_too_large`` (characters: a lower bound of the UTF-8 size)."""

    def __init__(self, limit: int | None):
        self.limit = limit
        self.size = 0
        self.parts = []

    def write(self, text: str) -> int:
        self.size += len(text)
        if self.limit is not None and self.size > self.limit:
            raise too_large(self.limit, "grew past the limit and was stopped")
        self.parts.append(text)
        return len(text)

    def flush(self):
        pass

    def getvalue(self) -> str:
        return "".join(self.parts)


def check_sent_size(output, limit: int | None) -> None:
    """Refuse an output whose JSON encoding (what is sent) is over ``limit`` bytes."""
    if limit is None:
        return
    size = len(json.dumps(output, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass"))
    if size > limit:
        raise too_large(limit, f"is {size:,} bytes as JSON")
