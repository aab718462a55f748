"""Token colours for diff lines, asked of the highlighter service over HTTP.

The whole old and new texts are sent (so the lexer's state is right at every line) with
``"format": "classes"`` (``apps.highlightclient.token_classes``): the answer is one list of
``[css classes, text]`` per line, the classes the highlighter's html format gives each token
(``"k"``, ``"kc"``), which this app's stylesheet colours as ``t-k``, ``t-kc``; a token whose
classes it does not colour gets no span. Anything
unexpected — no highlighter, a timeout, an error, a malformed answer, a line whose tokens do
not spell its text — means plain text for that side or line: colours are optional, the diff
is not.
"""

import logging
import re
from functools import lru_cache
from pathlib import Path

import httpx

from apps import highlightclient, sitewide

log = logging.getLogger(__name__)
PREFIX = "t-"  # before each class, so that token classes never meet the page's own
# The token classes this app's stylesheet colours: a token with none of them is left unwrapped,
# so a page carries a span only where it shows a colour (names, punctuation, blanks have none).
STYLESHEET = Path(__file__).resolve().parent / "static" / "diffviewer.css"
COLOURED = frozenset(re.findall(r"\.t-([A-Za-z0-9_-]+)", STYLESHEET.read_text(encoding="utf-8")))


def wanted(lexer, left_name, right_name):
    """Whether colours are worth asking for: a lexer was named, or a file name can suggest one."""
    return bool(lexer or left_name or right_name)


def fetch_both(left, right, lexer, left_name, right_name, settings, environ):
    """``(old_lines, new_lines)`` of ``[(class, text), …]`` per line; either may be None (plain)."""
    client = sitewide.service_client(
        "highlighter", environ, timeout=httpx.Timeout(settings.DIFF_HIGHLIGHT_TIMEOUT)
    )
    if client is None:
        return None, None
    try:
        with client:
            old = fetch(client, left, lexer, left_name or right_name, settings)
            new = fetch(client, right, lexer, right_name or left_name, settings)
    except highlightclient.Unavailable as error:  # one timeout is enough: do not wait a second time
        log.info("highlighter unavailable (%s); showing plain text", error)
        return None, None
    return old, new


def fetch(client, text, lexer, filename, settings):
    """One side's token lines, or None when the highlighter cannot give them."""
    if not text or len(text.encode("utf-8", "surrogatepass")) > settings.DIFF_HIGHLIGHT_MAX_BYTES:
        return None
    try:
        lines = highlightclient.token_classes(client, text, lexer=lexer, filename=filename)
    except highlightclient.Refused as refusal:
        log.info("highlighter answered %s; showing plain text", refusal)
        return None
    return prefixed_lines(lines)


def prefixed_lines(lines):
    """Token lines with the page's class prefix on every token's classes."""
    return [None if line is None else [(prefixed(classes), piece) for classes, piece in line] for line in lines]


def fetch_batch(client, items, settings):
    """Many texts' token lines in one request: ``items`` are ``(text, filename)``; one entry per
    item, None for a text the highlighter refused (or whose answer was malformed). Raises
    ``highlightclient.Unavailable`` when the batch got no answer.

    Asked as ``format: runs`` (``highlightclient.token_runs_batch``): the highlighter sends no
    token text back, only each distinct classes value once and two numbers per run; the classes
    are made this page's (``prefixed``) once per value, and neighbouring tokens that show alike
    (most names, blanks and punctuation show no colour) are one piece, so one span."""
    asked = [(text, "", filename) for text, filename in items]
    try:
        found = highlightclient.token_runs_batch(client, asked, naming=prefixed)
    except highlightclient.Refused as refusal:
        log.info("highlighter answered the batch %s; showing plain text", refusal)
        return [None] * len(items)
    return [None if isinstance(lines, highlightclient.Refused) else lines for lines in found]


@lru_cache(maxsize=4096)  # a few dozen distinct values per page, called per token
def prefixed(classes):
    """A token's classes as this page's, those the stylesheet colours: ``"k k-Custom"`` is ``"t-k"``,
    ``"n"`` (a name, not coloured) is ``""``."""
    return " ".join(PREFIX + name for name in classes.split() if name in COLOURED)
