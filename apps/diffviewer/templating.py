"""Genshi for the diff viewer: one template loader, and responses that stream a template.

Genshi escapes every value by default; ``Markup`` is used only for HTML this app built.
"""

import logging
import re
from pathlib import Path

from genshi.core import Markup, escape
from genshi.template import TemplateLoader
from werkzeug.wrappers import Response

from apps import sitewide

TEMPLATES = Path(__file__).parent / "templates"
# ``${flush}`` in a template: what is made so far leaves now (before slow work that follows it).
FLUSH = "<!--sent-->"
SLOT = re.compile(r"<!--slot:(\d+)-->")
log = logging.getLogger(__name__)


class PageAborted(Exception):
    """A page failed after its first bytes were sent; the server drops the connection."""


class Templates:
    def __init__(self, auto_reload=False):
        self.loader = TemplateLoader([str(TEMPLATES)], auto_reload=auto_reload, variable_lookup="strict")

    def stream(self, name, **context):
        for variable, value in sitewide.page_context().items():
            context.setdefault(variable, value)
        script_root = context["urls"].script_name.rstrip("/")
        context.setdefault("static_url", lambda name: f"{script_root}/static/{name}")
        context.setdefault("flush", Markup(FLUSH))
        template = self.loader.load(name)
        return template.generate(**context)

    def response(self, name, status=200, **context):
        """A streamed HTML response: the first bytes leave before the whole page is built.

        The first chunk is rendered here, so a template that fails early raises in the caller
        (and becomes an error page); a failure later can only be logged and cut the page short.
        """
        slots = Slots()
        context.setdefault("splice", slots.mark)
        context.setdefault("splice_text", slots.text)
        stream = self.stream(name, **context)
        chunks = encode(slots.spliced(stream.serialize("html", doctype="html5")))
        first = next(chunks, b"")
        return Response(guarded(name, first, chunks), status=status, mimetype="text/html")


class Slots:
    """HTML this app built, written into a page around Genshi rather than through it.

    ``${splice(chunks)}`` in a template leaves a mark; when the serialized page reaches it, the
    chunks (``Markup`` this app made, every user text escaped there, e.g. ``rows.py``'s rows)
    are written in its place as they are made. Megabytes of rows then skip Genshi's stream
    filters (whitespace, the layout's ``py:match``), which have nothing to do in them. A page's
    own text cannot make a mark: Genshi escapes its ``<``.
    """

    def __init__(self):
        self.waiting = {}

    def mark(self, chunks):
        number = len(self.waiting)
        self.waiting[number] = chunks
        return Markup(f"<!--slot:{number}-->")

    def text(self, text):
        """``${splice_text(text)}``: a long text escaped as Genshi escapes text (``& < >``), written
        around the filters (the review page's patch in its textarea: megabytes)."""
        return self.mark([escape(text, quotes=False)])

    def spliced(self, serialized):
        for text in serialized:
            if "<!--slot:" not in text:
                yield text
                continue
            pieces = SLOT.split(text)  # text, number, text, number, …, text
            for index, piece in enumerate(pieces):
                if index % 2 == 0:
                    yield piece
                else:
                    yield from self.waiting.pop(int(piece), ())


def guarded(name, first, chunks):
    yield first
    try:
        yield from chunks
    except Exception:
        log.exception("the %s page failed after its first bytes were sent", name)
        raise PageAborted(f"the {name} page was cut short; the cause is logged above") from None


def encode(chunks, size=16384):
    """Join Genshi's many small strings into UTF-8 chunks of a useful size (and send what is
    joined so far at a ``FLUSH``)."""
    buffer, length = [], 0
    for chunk in chunks:
        buffer.append(chunk)
        length += len(chunk)
        if length >= size or FLUSH in chunk:
            yield "".join(buffer).encode("utf-8")
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")
