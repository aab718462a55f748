"""Line anchors of a page with several files: ``#app.py-L12`` instead of ``#L12``.

A file's cached rendering (``codeblock``) numbers its lines ``<a id="L12" href="#L12">`` and
``<span id="L-12">``, whatever the file is called, so that a rename or a page of another
revision reuses it. On a page of several files each file's anchors get its name in front
(``app.py-L12``, ``app.py-L-12``) as the page is written. The highlighted text itself never
holds ``id="L`` or ``href="#L`` (its quotes are escaped), so only our own anchors change.
"""

import re

from django.utils.html import escape

ANCHOR = re.compile(r'(id="|href="#)L')
SPACE = re.compile(r"\s+")


def names(filenames):
    """An anchor name per file: its name with white space as ``-`` (a fragment and an id hold
    none), made unique by a number when two names become the same."""
    taken, result = set(), []
    for position, filename in enumerate(filenames, start=1):
        name = SPACE.sub("-", filename) or f"file{position}"
        if name in taken:
            name = f"{name}-{position}"
        taken.add(name)
        result.append(name)
    return result


def prefixed(html, prefix):
    """The code block ``html`` with its anchors named ``<prefix>L…`` ("" leaves it as it is)."""
    if not prefix:
        return html
    replacement = r"\1" + escape(prefix).replace("\\", "\\\\") + "L"
    return ANCHOR.sub(replacement, html)


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
