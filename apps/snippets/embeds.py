"""Embeds (issue 13): a snippet shown inside another site's page, two ways.

- ``/s/<id>/embed`` (and ``/s/<id>/<n>/embed`` for revision n) is a small page meant for an
  ``<iframe>``: every file highlighted under its name, with links to the snippet and its raw
  text (``target=_blank``), and one stylesheet (``embedstyles``). It is the one page of the
  site any origin may frame (no ``X-Frame-Options``, ``frame-ancestors *``); its own CSP allows
  no script at all and sandboxes it (an opaque origin: nothing in it could reach the site).
- ``/s/<id>.js`` writes the same HTML, and a ``<link>`` to that stylesheet, into the page that
  loads it with ``<script src>``, where the script stands (``document.write``, as Gist's
  embeds do). Every piece of HTML is a JSON string with ``<``, ``>``, ``&`` and U+2028/9 as
  escapes, so no text can end the script or open a comment in the page around it.

The HTML is built here from escaped text only: names and titles by the template's escaping,
the code by the highlighter (Pygments escapes every token) or ``codeblock.plain``. ``?file=<name>``
shows one file. Both read nothing of the visitor's (no session, no cookie, no token), so an
answer is the same for everyone: an ETag of what it shows, revalidated on each use
(``public, no-cache``), like the raw text, so a deleted snippet's embed goes at once.

A burn-after-reading snippet is never embedded (403: an embed must never burn it). One that
expired or was taken down answers a notice: a 410 page in the frame; a script that writes the
notice, answered 200, since a browser does not run a script answered with an error status.
Big snippets are streamed a piece of their cached rendering at a time (``codeblock``).
"""

import hashlib
import json
import secrets
from dataclasses import dataclass

from django.apps import apps
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from apps.snippets import anchors, catalog, highlighting, lookup, models, rawfiles
from apps.snippets.models import File, Snippet

EMBED_FORMAT = "1"  # in the ETag: a change to the embed's HTML makes new tags
FRAME_CSP = (
    "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors *; sandbox allow-popups allow-popups-to-escape-sandbox"
)
CACHE_CONTROL = "public, no-cache"
WHOLE_BYTES = 1 << 20  # an answer up to this size is made whole (with a length); bigger ones are streamed
SCRIPT_TYPE = "application/javascript; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
HEADERS = {
    "frame": {"Content-Type": HTML_TYPE, "Content-Security-Policy": FRAME_CSP},
    # Pages that require CORP of what they load (COEP) may load the script.
    "script": {"Content-Type": SCRIPT_TYPE, "Cross-Origin-Resource-Policy": "cross-origin"},
}
JS_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))

NOT_FOUND = "There is no such snippet (it may have been deleted)."
BURN_REFUSED = "A burn-after-reading snippet cannot be embedded: it is shown once, to the person who opens its link."
NO_FILE = "This snippet has no file of that name."


class Refusal(Exception):
    """Nothing to embed: the notice to show instead, and the status the frame answers."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class Pane:
    """One file as an embed shows it."""

    label: str  # its name, or the snippet's title for an unnamed file
    page_url: str  # the snippet's page, at this file's heading when there are several
    raw_url: str
    rendering: highlighting.Rendering
    anchor: str  # its line anchors' prefix: unique on a page that may hold other embeds
    code_block: str = ""  # the marker its code block is written in place of


@dataclass
class Embed:
    """What an embed shows, known before anything is rendered; ``panes`` once rendered."""

    title: str
    page_url: str
    chosen: list  # (file without its text, its anchor name, its raw URL)
    several: bool  # the revision has several files (each file's link goes to its heading)
    key: tuple  # everything it shows: the page cache's key, and its ETag's source
    panes: list = None

    @property
    def snippet_id(self):
        return self.key[0]  # first in the key: the page cache forgets a snippet's keys by it

    @property
    def etag(self):
        return '"' + hashlib.sha256(json.dumps(self.key, default=str).encode()).hexdigest()[:40] + '"'


@require_safe
@xframe_options_exempt
def frame(request, snippet_id):
    return frame_answer(request, snippet_id, None)


@require_safe
@xframe_options_exempt
def revision_frame(request, snippet_id, number):
    return frame_answer(request, snippet_id, number)


@require_safe
def script(request, snippet_id):
    try:
        embed = embedded(request, snippet_id, None)
    except Refusal as refusal:
        status = 200 if refusal.status == 410 else refusal.status  # see the module's docstring
        return respond("script", status, script_pieces(request, fragment_pieces(None, refusal.message)), etag=None)
    return conditional(request, embed) or cached(embed, "script") or rendered(
        request, embed, "script", lambda: respond("script", 200, script_pieces(request, fragment_pieces(embed)), embed.etag))


def frame_answer(request, snippet_id, number):
    try:
        embed = embedded(request, snippet_id, number)
    except Refusal as refusal:
        return respond("frame", refusal.status, page_pieces(None, refusal.message), etag=None)
    return conditional(request, embed) or cached(embed, "frame") or rendered(
        request, embed, "frame", lambda: respond("frame", 200, page_pieces(embed), embed.etag))


def embedded(request, snippet_id, number):
    """What an embed of the snippet shows (revision ``number``, else the latest), or ``Refusal``.

    One query for the snippet with its first file (all a one-file snippet needs), one more for
    the files of a several-file or older revision, never their texts (a cached rendering needs
    none). A burn-after-reading snippet is refused before any file is read.
    """
    snippet = found(snippet_id)
    latest = snippet.head.revision_number or 1
    shown = latest if number is None else number
    if not 1 <= shown <= latest:
        raise Refusal(404, "This snippet has no such revision.")
    files = [snippet.head] if shown == latest and snippet.file_count == 1 else revision_files(snippet_id, shown)
    several = len(files) > 1
    asked = request.GET.get("file")
    chosen = [(file, name, request.build_absolute_uri(raw_path(snippet_id, file, number, several)))
              for file, name in zip(files, anchors.names([file.filename for file in files]))
              if asked is None or file.filename == asked]
    if not chosen:
        raise Refusal(404, NO_FILE)
    title = snippet.title or (files[0].filename if not several else "") or "Untitled snippet"
    page = snippet.get_absolute_url() if number is None else reverse("snippets:revision", args=[snippet_id, number])
    page_url = request.build_absolute_uri(page)
    key = (snippet_id, "embed", EMBED_FORMAT, catalog.current(request.META).version, page_url, shown, title,
           asked, several, tuple((file.pk, file.filename, file.sha256, file.lexer, raw) for file, _, raw in chosen))
    return Embed(title=title, page_url=page_url, chosen=chosen, several=several, key=key)


def found(snippet_id):
    """The snippet with its first file, or the ``Refusal`` that says why there is none to embed."""
    sql = f"SELECT {models.family_columns()} FROM {models.HEAD_JOIN} WHERE s.id = %s"
    snippet = next(iter(models.with_heads(Snippet.objects.db, sql, [snippet_id], text=False)), None)
    try:
        lookup.showable(snippet)
    except Http404:
        raise Refusal(404, NOT_FOUND) from None
    except lookup.Removed as removed:
        raise Refusal(410, removed.message) from None
    except lookup.Gone:
        raise Refusal(410, lookup.EXPIRED_MESSAGE) from None
    if snippet.burn_after_reading:
        raise Refusal(403, BURN_REFUSED)
    return snippet


def revision_files(snippet_id, number):
    files = list(File.objects.filter(revision__snippet_id=snippet_id, revision__number=number)
                 .defer("content").order_by("position"))
    if not files:
        raise Refusal(404, "This snippet has no such revision.")
    for file in files:
        file.__dict__["_snippet_id"] = snippet_id
    return files


def cached(embed, kind):
    """The answer kept from an earlier view of exactly this embed, or None."""
    body = apps.get_app_config("snippets").pages.get(embed.key + (kind,))
    return None if body is None else respond(kind, 200, [body], embed.etag)


def rendered(request, embed, kind, respond):
    """The embed made from its files' renderings; kept when whole and highlighted. A file shown
    plain for a passing reason (the highlighter down) gets no ETag, so it is asked for again.
    The files share one highlight budget (``highlighting.Budget``), as on the snippet page."""
    budget = highlighting.Budget()
    embed.panes = [
        Pane(label=file.filename or embed.title,
             page_url=embed.page_url + (f"#{name}" if embed.several else ""),
             raw_url=raw, rendering=highlighting.render(file, request.META, budget=budget),
             anchor=f"embed-{embed.snippet_id}-{name}-")
        for file, name, raw in embed.chosen
    ]
    response = respond()
    if any(pane.rendering.notice for pane in embed.panes):
        del response["ETag"]
        response["Cache-Control"] = "no-cache"
    elif not response.streaming:
        apps.get_app_config("snippets").pages.put(embed.key + (kind,), response.content)
    return response


def raw_path(snippet_id, file, number, several):
    """A file's raw text; a one-file snippet's is the snippet's raw URL, as on its page."""
    if several:
        return rawfiles.raw_url(snippet_id, file, number)
    if number is None:
        return reverse("snippets:raw", args=[snippet_id])
    return reverse("snippets:revision-raw", args=[snippet_id, number])


def conditional(request, embed):
    """A 304 when the client holds this embed already (its ETag), else None."""
    response = get_conditional_response(request, etag=embed.etag)
    if response is not None:
        cache_headers(response, embed.etag)
    return response


def stylesheet_url(request):
    return request.build_absolute_uri(reverse("snippets:embed-css"))


def fragment_pieces(embed, notice=""):
    """The embed's HTML (``snippets/embedded.html``) a piece at a time: each file's code block
    comes from its cached rendering, piece by piece, in the place of a marker."""
    context = {"embed": embed, "notice": notice}
    return around_code("snippets/embedded.html", context, embed)


def page_pieces(embed, notice=""):
    """The frame's whole page: the fragment with its stylesheet around it."""
    context = {"embed": embed, "notice": notice, "stylesheet_url": reverse("snippets:embed-css")}
    return around_code("snippets/embed.html", context, embed)


def around_code(template, context, embed):
    panes = embed.panes if embed else []
    token = secrets.token_hex(16)
    markers = [f"<!--code-{token}-{index}-->" for index in range(len(panes))]
    for marker, pane in zip(markers, panes):
        pane.code_block = mark_safe(marker)  # noqa: S308 -- our own comment, no text of the snippet's
    rest = render_to_string(template, context)  # no request: no context processor reads the session
    for marker, pane in zip(markers, panes):
        head, rest = rest.split(marker, 1)
        yield head
        yield from anchors.prefixed_pieces(pane.rendering.pieces(), pane.anchor)
    yield rest


def js_string(text):
    """``text`` as a JavaScript string literal that is safe anywhere in an HTML page: JSON, with
    ``<``, ``>`` and ``&`` escaped (no ``</script>``, ``<!--`` or entity can form) and the two
    line separators JavaScript engines before ES2019 took for line ends."""
    literal = json.dumps(text, ensure_ascii=False)
    for char, escaped in JS_ESCAPES:  # str.replace: a tenth of str.translate's time on a megabyte
        literal = literal.replace(char, escaped)
    return literal


def script_pieces(request, html_pieces):
    """A script that writes the stylesheet's ``<link>``, then the HTML, where it stands."""
    link = f'<link rel="stylesheet" href="{escape(stylesheet_url(request))}">'
    yield "/* composite snippet embed: writes the snippet where this script stands */\n"
    yield f"document.write({js_string(link)});\n"
    for piece in html_pieces:
        if piece:
            yield f"document.write({js_string(piece)});\n"


def respond(kind, status, pieces, etag):
    """The answer of a frame or a script (``HEADERS``) made of ``pieces`` (str or bytes)."""
    response = answer(pieces, status)
    for name, value in HEADERS[kind].items():
        response[name] = value
    return cache_headers(response, etag)


def answer(pieces, status):
    """The pieces as one body when small (with a Content-Length), else streamed as they come."""
    pieces = iter(pieces)
    whole, size = [], 0
    for piece in pieces:
        data = piece if isinstance(piece, bytes) else piece.encode()
        whole.append(data)
        size += len(data)
        if size > WHOLE_BYTES:
            return StreamingHttpResponse(streamed(whole, pieces), status=status)
    return HttpResponse(b"".join(whole), status=status)


def streamed(started, rest):
    yield from started
    for piece in rest:
        yield piece.encode()


def cache_headers(response, etag):
    response["X-Content-Type-Options"] = "nosniff"
    if etag:
        response["ETag"] = etag
        response["Cache-Control"] = CACHE_CONTROL
    else:
        response["Cache-Control"] = "no-cache"
    return response
