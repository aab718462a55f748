"""Highlighting itself: a checked request in, a plain-data result out, in this process.

``highlight`` has no time limit; it is what pool workers run, and what tests and the
bench call directly. Untrusted input goes through ``pool.Highlighter`` instead. It does
hold the request's ``output_limit`` (see ``budget``): the formatter writes into a
``BoundedWriter`` that stops it once the output passes the limit, and the finished output
is measured as the JSON that will be sent, so no answer over the limit leaves this process.

For ``html`` the output is exactly what ``pygments.highlight(code, lexer,
HtmlFormatter(style=style, **options))`` returns, with one deliberate difference:
the ``title`` option is HTML-escaped first, because Pygments 2.21 inserts it raw.
"""

import html
from functools import lru_cache

import pygments
from pygments.token import STANDARD_TYPES

from .budget import BoundedWriter, check_sent_size, too_large
from .formats import find_format
from .lexers import GUESSED_METHODS, choose_lexer, describe
from .options import split_options


def highlight(request) -> dict:
    """Highlight a HighlightRequest.

    Returns ``{"output", "format", "lexer": {"name", "alias"}, "style", "guessed",
    "method"}``, and ``"detection"`` when detection chose the lexer (``lexers.guess``'s
    answer): ``output`` is a str, or for ``tokens`` a list (see ``token_lines``);
    ``method`` says which rule chose the lexer (see ``lexers.choose_lexer``).
    """
    output_format = find_format(request.format)
    formatter_options, lexer_options = split_options(request.options)
    streamed = output_format.formatter is None  # tokens, classes, runs: the token stream as data
    if streamed:
        # Keep leading and trailing blank lines so line i of the output is line i of
        # the input; Pygments' default (stripnl=True) would drop them.
        lexer_options = {"stripnl": False, **lexer_options}
    if "title" in formatter_options:
        formatter_options["title"] = html.escape(formatter_options["title"])
    lexer, method, detected = choose_lexer(
        request.code,
        lexer=request.lexer,
        mimetype=request.mimetype,
        filename=request.filename,
        guess=request.guess,
        options=lexer_options,
    )
    limit = request.output_limit
    if output_format.name == "runs":
        output = token_runs(lexer.get_tokens(request.code), limit)
    elif streamed:
        output = token_lines(lexer.get_tokens(request.code), limit, TOKEN_NAMES[output_format.name])
    else:
        formatter = output_format.create_formatter(request.style, formatter_options)
        writer = BoundedWriter(limit)
        pygments.highlight(request.code, lexer, formatter, writer)
        output = writer.getvalue()
    check_sent_size(output, limit)
    result = {
        "output": output,
        "format": output_format.name,
        "lexer": describe(lexer),
        "style": request.style,
        "guessed": method in GUESSED_METHODS,
        "method": method,
    }
    if detected is not None:
        result["detection"] = detected
    return result


@lru_cache(maxsize=4096)
def css_classes(token_type) -> str:
    """The CSS classes the html format gives a token type, as ``HtmlFormatter`` writes them.

    Pygments' short name for a standard type (``Token.Keyword.Constant`` is ``"kc"``, plain
    text ``""``); a lexer's own type below a standard one gets the names of it and of each
    ancestor up to that one (``Token.Keyword.Custom`` is ``"k k-Custom"``). A type right
    under ``Token`` that Pygments does not know gets none (``HtmlFormatter`` writes ``-Name``).
    """
    def name(ttype):
        suffix = ""
        while ttype not in STANDARD_TYPES:
            suffix, ttype = f"-{ttype[-1]}{suffix}", ttype.parent
        return STANDARD_TYPES[ttype] + suffix if STANDARD_TYPES[ttype] else ""

    classes = [name(token_type)]
    while token_type not in STANDARD_TYPES:
        token_type = token_type.parent
        classes.insert(0, name(token_type))
    return " ".join(c for c in classes if c)


# How each token-stream format names a token: by its type, or by its CSS classes.
TOKEN_NAMES = {"tokens": str, "classes": css_classes}


def token_lines(tokens, limit: int | None = None, naming=str) -> list:
    """Pygments' ``(token type, text)`` stream as a list of lines of ``[name, text]``.

    The contract: the lexed text (the code after Pygments' preprocessing: ``\\r\\n``
    and ``\\r`` become ``\\n``, a leading BOM goes, ``stripall``/``stripnl``/``tabsize``
    apply, and a final ``\\n`` is ensured) is ``"".join(text + "\\n" for each line)``,
    where a line's text is the concatenation of its pairs' texts. So there is one line
    per ``\\n``, line i is line i of the lexed text, no text holds a ``\\n`` or is empty,
    and an empty line is ``[]``. Token types read as Pygments writes them
    (``str(Token.Keyword)`` is ``"Token.Keyword"``), or with ``naming=css_classes`` as the
    CSS classes the html format gives them (``"k"``).

    With ``limit``, stops with ``output_too_large`` once the JSON would pass that many
    bytes (counted from below: a pair is ``["type","text"],``, a line at least ``[],``).
    """
    lines, line = [], []
    size = 0
    for token_type, text in tokens:
        name = naming(token_type)
        first, *rest = text.split("\n")
        if first:
            line.append([name, first])
        for piece in rest:
            lines.append(line)
            line = [[name, piece]] if piece else []
        if limit is not None:
            size += len(text) + len(rest) + (len(name) + 8) * (bool(first) + sum(map(bool, rest)))
            if size > limit:
                raise too_large(limit, "grew past the limit and was stopped")
    # Pygments ensures a final newline, so the last line is always closed already.
    if line:
        lines.append(line)
    return lines


def token_runs(tokens, limit: int | None = None) -> dict:
    """The ``classes`` stream in a compact form: ``{"classes": [...], "lines": [[c, n, c, n, …], …]}``.

    ``classes`` lists each distinct CSS classes value once (as ``css_classes`` names them);
    a line is a flat list of runs, each the index of its classes in that list and its length in
    characters (code points) of the lexed text; neighbouring tokens with the same classes are
    one run. Lines are as ``token_lines`` gives them (one per ``\\n`` of the lexed text, an
    empty line ``[]``), so a client holding the text slices it by the lengths: no token text
    is sent back, and a line's classes are two small integers per run instead of a JSON pair
    per token. With ``limit``, stops with ``output_too_large`` once the JSON would pass that many
    bytes (counted from below: a run is at least ``0,1,``, a line ``[],``).
    """
    names, numbers, of_type = [], {}, {}  # classes once; classes -> number; token type -> number
    lines, line = [], []
    size = 0
    for token_type, text in tokens:
        number = of_type.get(token_type)
        if number is None:
            name = css_classes(token_type)
            number = numbers.get(name)
            if number is None:
                number = numbers[name] = len(names)
                names.append(name)
            of_type[token_type] = number
        if not text:
            continue
        if "\n" not in text:
            if line and line[-2] == number:
                line[-1] += len(text)
            else:
                line += (number, len(text))
                size += 4
                if limit is not None and size > limit:
                    raise too_large(limit, "grew past the limit and was stopped")
            continue
        first, *rest = text.split("\n")
        if first:
            if line and line[-2] == number:
                line[-1] += len(first)
            else:
                line += (number, len(first))
        for piece in rest:
            lines.append(line)
            line = [number, len(piece)] if piece else []
        if limit is not None:
            size += 7 * len(rest) + 4
            if size > limit:
                raise too_large(limit, "grew past the limit and was stopped")
    if line:
        lines.append(line)
    return {"classes": names, "lines": lines}
