"""Genshi for the diff viewer: one template loader, and responses that stream a template.

Genshi escapes every value by default; ``Markup`` is used only for HTML this app built.
"""

from pathlib import Path

from genshi.template import TemplateLoader
from werkzeug.wrappers import Response

from apps import sitewide

TEMPLATES = Path(__file__).parent / "templates"


class Templates:
    def __init__(self, auto_reload=False):
        self.loader = TemplateLoader([str(TEMPLATES)], auto_reload=auto_reload, variable_lookup="strict")

    def stream(self, name, **context):
        for variable, value in sitewide.page_context().items():
            context.setdefault(variable, value)
        script_root = context["urls"].script_name.rstrip("/")
        context.setdefault("static_url", lambda name: f"{script_root}/static/{name}")
        template = self.loader.load(name)
        return template.generate(**context)

    def response(self, name, status=200, **context):
        """A streamed HTML response: the first bytes leave before the whole page is built."""
        stream = self.stream(name, **context)
        chunks = stream.serialize("html", doctype="html5")
        return Response(encode(chunks), status=status, mimetype="text/html")


def encode(chunks, size=16384):
    """Join Genshi's many small strings into UTF-8 chunks of a useful size."""
    buffer, length = [], 0
    for chunk in chunks:
        buffer.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(buffer).encode("utf-8")
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")
