"""Hostile inputs that more than one test sends, each defined once, with what it does.

Every figure below was measured on this project's 2-core CI machine; what a test relies on
is the shape (which step is slow or big), never the figure.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# -- a lexer that backtracks (ReDoS) ---------------------------------------------------------

SLOW_SCALA = '"' + "\\" * 40
"""Pygments 2.21's Scala lexer backtracks in Fibonacci time on a quote followed by backslashes
(its string rule ``"(\\\\|\\"|[^"])*"``; Pygments issue #3247). In-process, 32 backslashes take
0.6 s, 36 take 3.7 s, 40 did not finish in 12 s: alone it runs for minutes. Send it with
``"lexer": "scala"``."""

SLOW_SCALA_FIELDS = {"code": SLOW_SCALA, "lexer": "scala"}
"""A highlight request (``/api/highlight`` JSON, ``HighlightRequest.from_fields``) with it."""

PLAIN_PYGMENTS_ON_SLOW_SCALA = (
    "import pygments, pygments.formatters, pygments.lexers\n"
    "from tests.payloads import SLOW_SCALA\n"
    "pygments.highlight(SLOW_SCALA, pygments.lexers.ScalaLexer(), pygments.formatters.HtmlFormatter())\n"
)
"""A ``python -c`` script (run from the repository's root) highlighting it with no budget:
the unbudgeted reference a budgeted highlight must end long before."""


# -- the diff viewer's line pairing (issue 9) -------------------------------------------------


def distinct_words(size):
    """One line of about ``size`` characters of words that never repeat (and a newline)."""
    words, total, i = [], 0, 0
    while total < size:
        word = f"w{i}x{i * 7919 % 1_000_003}"
        words.append(word)
        total += len(word) + 1
        i += 1
    return " ".join(words)[:size] + "\n"


SHORT_LINES = "".join(f"w{j} short line {j}\n" for j in range(1_600))
"""With a side that is one long line of ``distinct_words``, this took 49 s before over-long
lines stopped being paired word by word with every short one."""


# -- a page that is big and costly to render --------------------------------------------------


def operator_lines(lines):
    """Python source of ``lines`` lines of 40 ``a+``: every character is its own token, so
    1,000 lines make a page of about 2 MB and 3,000 about 6 MB."""
    return ("a+" * 40 + "\n") * lines


# -- forged log lines -------------------------------------------------------------------------

FORGED = "evil\r\nINFO forged line\x1b[31m red \x1b]0;title\x07"
"""Text that would start a false log line (CR/LF) and drive a terminal (ANSI escapes), for
fields that are shown back or logged."""

FORGED_PATH = "/%0d%0aINFO%20forged%20line%1b%5b31m"
"""The same in a URL path, percent-encoded, to append to a real path."""
