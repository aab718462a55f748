"""Line anchors of a page with several files: ``#app.py-L12`` instead of ``#L12``.

A file's cached rendering (``codeblock``) numbers its lines ``<a id="L12" href="#L12">`` and
``<span id="L-12">``, whatever the file is called, so that a rename or a page of another
revision reuses it. On a page of several files each file's anchors get a name in front
(``app.py-L12``, ``app.py-L-12``) as the page is written. The highlighted text itself never
holds ``id="L`` or ``href="#L`` (its quotes are escaped), so only our own anchors change.

A file's name is what a person reads in a link, so it is its anchor name when it can be: the
ids of one file (``<a>``, ``<a>-L12``, ``<a>-L-12``, ``<a>-code``) must never be the ids of
another file or of the page. A name that could collide (the same as another after white space
becomes ``-``, ending like a line or code id, the position form ``f2``, or one of the page's
own ids and prefixes) is replaced by its position on the page: ``f2`` (``#f2-L12``).
"""

import re

from django.utils.html import escape

ANCHOR = re.compile(r'(id="|href="#)L')
SPACE = re.compile(r"\s+")
# Ids one file's anchor name makes; a name ending so could be another file's line or code id.
GENERATED_ENDING = re.compile(r"-(?:L-?[0-9]+|code)$")
POSITION_FORM = re.compile(r"f[0-9]+")
PAGE_IDS = {"code", "embed-code"}  # detail.html's own ids
PAGE_PREFIXES = ("md-", "id_", "embed-")  # Markdown headings, form fields, embeds


def names(filenames):
    """An anchor name per file: its name with white space as ``-`` (a fragment and an id hold
    none) when that name is unique on the page and cannot collide with any other id made
    from it, else ``f<position>`` (``f1`` is the first file)."""
    wanted = [SPACE.sub("-", filename) for filename in filenames]
    counts = {}
    for name in wanted:
        counts[name] = counts.get(name, 0) + 1
    return [name if counts[name] == 1 and human(name) else f"f{position}"
            for position, name in enumerate(wanted, start=1)]


def human(name):
    """Whether ``name`` may be an anchor name as it is (``names`` has made it unique)."""
    return bool(name) and not (GENERATED_ENDING.search(name) or POSITION_FORM.fullmatch(name)
                               or name in PAGE_IDS or name.startswith(PAGE_PREFIXES))


def prefixed(html, prefix):
    """The code block ``html`` with its anchors named ``<prefix>L…`` ("" leaves it as it is).

    The prefix is text, escaped for an attribute: it is joined by a function, never read as
    a replacement template (``\\1`` followed by a name starting with digits is another group
    or an octal escape)."""
    if not prefix:
        return html
    anchor = escape(prefix) + "L"
    return ANCHOR.sub(lambda match: match.group(1) + anchor, html)


def prefixed_pieces(pieces, prefix):
    """``prefixed`` over a code block given a piece at a time: each piece is cut after its last
    line break (an anchor never spans one), the rest carried into the next."""
    if not prefix:
        yield from pieces
        return
    carry = ""
    for piece in pieces:
        text = carry + piece
        end = text.rfind("\n") + 1
        if end:
            yield prefixed(text[:end], prefix)
            carry = text[end:]
        else:
            carry = text
    if carry:
        yield prefixed(carry, prefix)
