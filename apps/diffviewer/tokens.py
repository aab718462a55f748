"""Token colours for diff lines, asked of the highlighter service over HTTP.

The whole old and new texts are sent (so the lexer's state is right at every line) with
``"format": "tokens"``; the answer is one list of ``[token_type, text]`` per line. Anything
unexpected — no highlighter, a timeout, an error, a malformed answer, a line whose tokens do
not spell its text — means plain text for that side or line: colours are optional, the diff
is not.
"""

import logging

import httpx

from apps import sitewide

log = logging.getLogger(__name__)

# Token type → CSS class (Pygments' short names, "t-" prefixed). A type not listed takes the
# class of its nearest listed parent; plain names and text get none.
CLASSES = {
    "Token.Keyword": "t-k", "Token.Keyword.Constant": "t-kc", "Token.Keyword.Declaration": "t-kd",
    "Token.Keyword.Namespace": "t-kn", "Token.Keyword.Type": "t-kt",
    "Token.Name.Builtin": "t-nb", "Token.Name.Builtin.Pseudo": "t-bp", "Token.Name.Class": "t-nc",
    "Token.Name.Function": "t-nf", "Token.Name.Decorator": "t-nd", "Token.Name.Exception": "t-ne",
    "Token.Name.Namespace": "t-nn", "Token.Name.Tag": "t-nt", "Token.Name.Attribute": "t-na",
    "Token.Name.Variable": "t-nv", "Token.Name.Constant": "t-no", "Token.Name.Entity": "t-ni",
    "Token.Literal.String": "t-s", "Token.Literal.String.Doc": "t-sd", "Token.Literal.String.Escape": "t-se",
    "Token.Literal.String.Interpol": "t-si", "Token.Literal.String.Regex": "t-sr",
    "Token.Literal.Number": "t-m", "Token.Literal": "t-l",
    "Token.Comment": "t-c", "Token.Comment.Preproc": "t-cp", "Token.Comment.Hashbang": "t-ch",
    "Token.Operator": "t-o", "Token.Operator.Word": "t-ow",
    "Token.Generic.Deleted": "t-gd", "Token.Generic.Inserted": "t-gi", "Token.Generic.Heading": "t-gh",
    "Token.Generic.Subheading": "t-gu", "Token.Generic.Emph": "t-ge", "Token.Generic.Strong": "t-gs",
    "Token.Error": "t-err",
}
_resolved = {}


def css_class(token_type):
    """The CSS class for a token type string such as ``"Token.Keyword.Constant"`` ("" for none)."""
    found = _resolved.get(token_type)
    if found is None:
        name = token_type
        while name and name not in CLASSES:
            name = name.rpartition(".")[0]
        found = _resolved[token_type] = CLASSES.get(name, "") if len(_resolved) < 4096 else ""
    return found


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
    except Unavailable as error:  # one timeout is enough: do not wait a second time
        log.info("highlighter unavailable (%s); showing plain text", error)
        return None, None
    return old, new


class Unavailable(Exception):
    """The highlighter could not be reached or did not answer in time."""


def fetch(client, text, lexer, filename, settings):
    """One side's token lines, or None when the highlighter cannot give them."""
    if not text or len(text.encode("utf-8", "surrogatepass")) > settings.DIFF_HIGHLIGHT_MAX_BYTES:
        return None
    body = {"code": text, "format": "tokens"}
    if lexer:
        body["lexer"] = lexer
    else:
        body["filename"] = filename
    try:
        response = client.post("/api/highlight", json=body)
    except Exception as error:  # in-process, the highlighter's own failures surface here too
        raise Unavailable(type(error).__name__) from None
    if response.status_code != 200:
        log.info("highlighter answered %s; showing plain text", response.status_code)
        return None
    try:
        answer = response.json()
    except ValueError:
        return None
    return lines_of(answer.get("output") if isinstance(answer, dict) else None, text)


def lines_of(output, text):
    """Checked token lines for ``text``; a line whose tokens do not spell it becomes None."""
    expected = text.split("\n")
    if text.endswith("\n"):
        expected.pop()
    if not isinstance(output, list) or len(output) != len(expected):
        return None
    lines = []
    for pairs, line_text in zip(output, expected):
        line = _pairs(pairs)
        if line is not None and "".join(t for _, t in line) != line_text.removesuffix("\r"):
            line = None
        lines.append(line)
    return lines


def _pairs(pairs):
    if not isinstance(pairs, list):
        return None
    line = []
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) and isinstance(pair[1], str)):
            return None
        line.append((css_class(pair[0]), pair[1]))
    return line
