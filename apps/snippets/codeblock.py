"""The code block of a snippet page, made and kept as compressed HTML.

A code block is many times its text: every line is a ``<span id="L-n">`` and a gutter
link ``<a id="Ln" href="#Ln">``, so 512 KiB of short lines is 18 MB of HTML. It is never
held whole: it is compressed (zlib) while it is made, a block of lines at a time, and given
back a piece at a time, so that a big snippet costs a worker a few megabytes per request
in flight, not several copies of 18 MB. Compressed, it is also what the cache keeps.
"""

import codecs
import zlib
from itertools import islice

from django.utils.html import escape

HEAD = '<div class="code-view highlight"><pre class="gutter">'  # the style's scope, gutter included (snippets.css)
MIDDLE = '</pre><div class="code">'
TAIL = "</div></div>"
SLICE = 1 << 20  # characters encoded, or bytes given back, at a time
BLOCK = 4096  # lines per block: no list of 262,144 small strings at once


class Packer:
    """Compresses text as it is added; ``size`` is the UTF-8 size of all of it."""

    def __init__(self):
        self.compressor = zlib.compressobj(1)
        self.parts = []
        self.size = 0

    def add(self, text):
        for start in range(0, len(text), SLICE):
            data = text[start:start + SLICE].encode()
            self.size += len(data)
            self.parts.append(self.compressor.compress(data))

    def packed(self):
        self.parts.append(self.compressor.flush())
        return b"".join(self.parts)


def highlighted(content, code_html):
    """``(packed, size)`` of the code block around the highlighter's HTML for ``content``."""
    packer = Packer()
    packer.add(HEAD)
    for block in gutter(line_count(content)):
        packer.add(block)
    packer.add(MIDDLE)
    packer.add(code_html)
    packer.add(TAIL)
    return packer.packed(), packer.size


def plain(content):
    """``(packed, size)`` of the code block showing ``content`` as escaped plain text."""
    packer = Packer()
    packer.add(HEAD)
    for block in gutter(line_count(content)):
        packer.add(block)
    packer.add(MIDDLE + '<div class="highlight"><pre><code>')
    numbered = enumerate(lines(content), 1)
    while block := list(islice(numbered, BLOCK)):
        packer.add("".join(f'<span id="L-{n}">{escape(line)}\n</span>' for n, line in block))
    packer.add("</code></pre></div>" + TAIL)
    return packer.packed(), packer.size


def pieces(packed):
    """The HTML again, as strings of at most about ``SLICE`` characters."""
    decompressor = zlib.decompressobj()
    decoder = codecs.getincrementaldecoder("utf-8")()
    data = packed
    while data:
        out = decompressor.decompress(data, SLICE)
        data = decompressor.unconsumed_tail
        if out:
            yield decoder.decode(out)
    yield decoder.decode(decompressor.flush(), final=True)


def gutter(count):
    """The line-number links, a block of lines at a time."""
    for start in range(1, count + 1, BLOCK):
        yield "".join(f'<a id="L{n}" href="#L{n}">{n}</a>\n' for n in range(start, min(start + BLOCK, count + 1)))


def normalized(text):
    """CRLF and CR are line breaks too, as Pygments counts them; a last newline ends a line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[:-1] if text.endswith("\n") else text


def line_count(text):
    return normalized(text).count("\n") + 1


def lines(text):
    """The lines as Pygments numbers them, one at a time."""
    text, start = normalized(text), 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]
