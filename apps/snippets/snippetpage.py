"""The snippet page: its latest revision (``/s/<id>``) or revision n (``/s/<id>/<n>``), every
file highlighted, each under its own heading with its own line anchors; and the history.

A one-file snippet's page is what it always was (line anchors ``#L12``, the language
correction for its owner). With several files, each file's anchors are named after it
(``#app.py-L12``, ranges ``#app.py-L12-L20``): the cached rendering of a file holds ``L``
anchors, and their names are prefixed as the page is written (``anchors``). A Markdown file
is shown rendered (``markdown``), with a link to its highlighted source (``?source=<name>``).

Repeat views come from the page cache as bytes, keyed on everything the page shows: revision
n's files never change, and the latest revision's are in the key, so an edit makes new keys.
Each view still asks the database (one query for the snippet and its relatives, one more for
the files of a several-file or older revision), so deletion and expiry take effect at once.
The files not in the cache are rendered within one ``highlighting.Budget`` for the page: once
it is spent, the rest are shown plain with the timeout's notice (and the page is not kept).

Each page carries link-preview tags (``previews``): its title, its permanent absolute URL (built
from the request, whose scheme and host the proxy handling and the Host check outside Django
vouch for; so the URL's origin is in the page cache's key) and its first file's language and
first lines. A burn-after-reading snippet's page is first the reveal step (``burned_page``).
"""

import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from django.apps import apps
from django.db.models.functions import Substr
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from apps import sitewide
from apps.snippets import (
    anchors,
    burning,
    catalog,
    comparing,
    highlighting,
    intake,
    language,
    lookup,
    markdown,
    ownership,
    previews,
    rawfiles,
    renderedmarkdown,
    revisions,
    times,
)
from apps.snippets.forms import LanguageForm
from apps.snippets.lookup import answers_gone
from apps.snippets.models import FORKS_SHOWN, File, Snippet


STYLE_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}")
MARKDOWN_LEXERS = ("markdown", "md")
DEFAULT_PORTS = {"http": "80", "https": "443"}


@require_safe
@answers_gone
def detail(request, snippet_id):
    """The latest revision's page. One query; on a repeat view the page comes from memory as bytes."""
    return snippet_page(request, snippet_id, None)


@require_safe
@answers_gone
def revision(request, snippet_id, number):
    """Revision ``number``'s page: its files are forever the same bytes."""
    return snippet_page(request, snippet_id, number)


@dataclass
class Pane:
    """One file as the page shows it."""

    file: File
    anchor: str  # its line anchors' prefix: "" on a one-file page (#L12), else "<name>-" (#app.py-L12)
    raw_url: str
    rendering: highlighting.Rendering = None  # the highlighted code block (None: shown as Markdown only)
    detected: bool = False
    markdown_html: str = None  # the rendered Markdown, when shown so
    markdown_notice: str = ""  # why a Markdown file is shown as source though its rendering was not asked for
    source_url: str = ""  # Markdown: the link to its highlighted source, or back to the rendered view
    code_block: str = ""  # the block's HTML, or the marker a streamed page writes it in place of

    @property
    def name(self):
        return self.anchor[:-1]

    @property
    def code_id(self):
        """The id of the element holding its code (what "Copy code" copies); ``anchors.names``
        keeps it apart from every other id of the page."""
        return f"{self.name}-code" if self.anchor else "code"

    @property
    def size(self):
        return (self.rendering.size if self.rendering else 0) + len(self.markdown_html or "")

    @property
    def language(self):
        """The language the page names: the highlighter's ("Python (detected)"), else Markdown."""
        return language.label(self.rendering.lexer_name, self.detected) if self.rendering else "Markdown"


def snippet_page(request, snippet_id, number):
    family = list(Snippet.objects.family(snippet_id))
    snippet = lookup.showable(next((s for s in family if s.pk == snippet_id), None))
    latest = snippet.head.revision_number or 1
    if number is not None and not 1 <= number <= latest:
        raise Http404("This snippet has no such revision.")
    if snippet.burn_after_reading:
        return burned_page(request, snippet_id)
    known = catalog.current(request.META)
    style, picked = chosen_style(request, known)
    shown = latest if number is None else number
    made_at, files = revision_files(snippet, shown, latest)
    several = len(files) > 1
    parent = next((s for s in family if s.pk == snippet.parent_id and s.pk != snippet.pk), None)
    if parent is not None and not linkable(parent):
        parent = None  # nor a compare link: the diff viewer could not fetch it
    children = [s for s in family if s.parent_id == snippet.pk and s.pk != snippet.pk and linkable(s)]
    more_forks = len(children) > FORKS_SHOWN  # the family query reads one more than it shows
    owner_token = ownership.token_for(request, snippet.pk)
    context = {
        "snippet": snippet,
        "number": number,  # None: the latest, at /s/<id>
        "shown": shown,
        "latest": latest,
        "made_at": made_at,
        "several": several,
        "total_size": sum(file.size for file in files),
        "parent": parent,
        "children": children[:FORKS_SHOWN],
        "more_forks": more_forks,
        "style": style,
        "styles": known.styles or (style,),
        "style_css": style_css(style),
        "fresh": ownership.take_fresh(request, snippet.pk),
        "owner_token": owner_token,
        "source": markdown_source(request, files),
    }
    pages = apps.get_app_config("snippets").pages
    # The owner's page has the token notice, the language correction (with its CSRF token) and messages: never kept.
    key = None if context["fresh"] or owner_token else page_key(context, files, known.version, origin(request))
    page = pages.get(key) if key else None
    if page is not None:
        response = HttpResponse(page)
    else:
        context.update(page_links(request, snippet, parent, number, several))
        panes = context["panes"] = make_panes(request, snippet, files, number, several, context["source"], known)
        context["preview"] = page_preview(context["preview_url"], snippet, files, panes[0], number)
        if owner_token and not several and number is None:
            context["language_form"] = LanguageForm(initial={"lexer": snippet.lexer or intake.AUTO}, catalog=known)
        if sum(pane.size for pane in panes) > pages.max_item_bytes:
            response = StreamingHttpResponse(streamed_page(request, context))
        else:
            for pane in panes:
                pane.code_block = mark_safe(pane_html(pane))
            page = render_to_string("snippets/detail.html", context, request).encode()
            if key and not any(pane.markdown_notice or pane.rendering and pane.rendering.notice for pane in panes):
                pages.put(key, page)
            response = HttpResponse(page)
    if any(is_markdown(file) for file in files):  # its images may come from any https: origin
        response["Content-Security-Policy"] = sitewide.content_security_policy(
            form_targets=sitewide.form_origins(), remote_images=True)
    if picked:
        response.set_cookie(
            apps.get_app_config("snippets").style_cookie,
            style,
            max_age=365 * 24 * 3600,
            path=reverse("snippets:create"),
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response


def revision_files(snippet, number, latest):
    """``(when revision number was made, its files without their texts)``. The latest
    revision of a one-file snippet is its head, already loaded: no query."""
    if number == latest and snippet.file_count == 1:
        return None, [snippet.head]
    files = list(File.objects.filter(revision__snippet_id=snippet.pk, revision__number=number)
                 .select_related("revision").defer("content").order_by("position"))
    if not files:
        raise Http404("This snippet has no such revision.")
    for file in files:
        file.__dict__["_snippet_id"] = snippet.pk
    return files[0].revision.created_at, files


def parent_has_one_file(parent):
    return parent is None or parent.file_count == 1


def make_panes(request, snippet, files, number, several, source, known):
    """Each file with its anchors, links and what shows it: its rendering, or its Markdown."""
    names = anchors.names([file.filename for file in files]) if several else [""] * len(files)
    budget = highlighting.Budget()  # one for all the files: past it, the ones not cached are shown plain
    markdown_budget = markdown.page_budget()  # likewise for rendering Markdown: past it, the source
    panes = []
    for position, (file, name) in enumerate(zip(files, names), start=1):
        pane = Pane(file=file, anchor=f"{name}-" if several else "", raw_url=raw_path(snippet.pk, file, number, several))
        if is_markdown(file):
            here = request.path
            back = here + (f"#{name}" if several else "")
            if source == file.filename:  # its highlighted source, asked for
                pane.source_url = back
            else:
                try:  # each file's heading ids apart from the others' and the page's (md-2-install)
                    pane.markdown_html = renderedmarkdown.rendered(
                        file, f"md-{position}-" if several else "md-", markdown_budget)
                except markdown.TooCostly as refused:  # too much work to render: its source, highlighted
                    pane.markdown_html = None
                    pane.markdown_notice = f"Shown as source, not rendered: {refused.reason}."
                else:
                    pane.source_url = here + "?" + urlencode({"source": file.filename}) + (f"#{name}" if several else "")
        if pane.markdown_html is None:
            pane.rendering = highlighting.render(file, request.META, budget=budget)
            pane.detected = language.detected(file, pane.rendering, known)
        panes.append(pane)
    return panes


def page_preview(url, snippet, files, first, number):
    """The page's link-preview tags: its title, and its first file's language and first lines."""
    language = first.rendering.lexer_name if first.rendering else "Markdown"
    return previews.snippet_preview(url, snippet.title, [file.filename for file in files], language,
                                    opening_text(first.file), revision=number)


def opening_text(file):
    """The first ``previews.TEXT_CHARS`` characters of a file's text: only those are read from the
    database when its text was not loaded (a cached rendering needs none of it)."""
    if "content" not in file.get_deferred_fields():
        return file.content[:previews.TEXT_CHARS]
    opening = Substr("content", 1, previews.TEXT_CHARS)
    return File.objects.filter(pk=file.pk).annotate(opening=opening).values_list("opening", flat=True).first() or ""


def markdown_source(request, files):
    """The Markdown file whose source was asked for (``?source=<name>``), else None (any other
    value is ignored: it adds no page to the cache)."""
    asked = request.GET.get("source")
    if asked is None:
        return None
    return next((file.filename for file in files if file.filename == asked and is_markdown(file)), None)


def is_markdown(file):
    return file.lexer in MARKDOWN_LEXERS or file.filename.lower().endswith((".md", ".markdown"))


def raw_path(snippet_id, file, number, several):
    """A file's raw text: of the latest revision (``/s/<id>/raw…``) or of revision n (forever the
    same bytes). A one-file page links the snippet's raw URL, as it always did."""
    if not several:
        return reverse("snippets:raw", args=[snippet_id]) if number is None else reverse(
            "snippets:revision-raw", args=[snippet_id, number])
    return rawfiles.raw_url(snippet_id, file, number)


def download_url(snippet_id, number):
    if number is None:
        return reverse("snippets:download", args=[snippet_id])
    return reverse("snippets:revision-download", args=[snippet_id, number])


def pane_html(pane):
    if pane.markdown_html is not None:
        return pane.markdown_html
    return anchors.prefixed(pane.rendering.html, pane.anchor)


def streamed_page(request, context):
    """A page too big to keep, sent a piece at a time: the page around a marker per file, then
    each file's code block decompressed piece by piece in its marker's place (``codeblock``)."""
    token = secrets.token_hex(16)
    panes = context["panes"]
    for index, pane in enumerate(panes):
        pane.code_block = mark_safe(f"<!--code-block-{token}-{index}-->")
    rest = render_to_string("snippets/detail.html", context, request)
    for pane in panes:
        head, rest = rest.split(pane.code_block, 1)
        yield head.encode()
        if pane.markdown_html is not None:
            yield pane.markdown_html.encode()
        else:
            for piece in anchors.prefixed_pieces(pane.rendering.pieces(), pane.anchor):
                yield piece.encode()
    yield rest.encode()


def page_links(request, snippet, parent, number, several):
    """The page's links, made on a first view only: a repeat view's page is found by what they
    are made from (``page_key``), and making them was a tenth of a cached view's time."""
    return {
        # one file against the parent's one file, latest against latest (the raw URLs follow edits)
        "compare_url": compare_url(parent, snippet) if number is None and not several and parent_has_one_file(
            parent) else None,
        "review_url": review_url(snippet) if not several and number is None else None,
        "download_url": download_url(snippet.pk, number),
        "fork_url": reverse("snippets:fork", args=[snippet.pk]) + (f"?revision={number}" if number else ""),
        "preview_url": origin(request) + (
            snippet.get_absolute_url() if number is None else reverse("snippets:revision", args=[snippet.pk, number])),
    }


def page_key(context, files, version, origin):
    """Everything a snippet page shows that can differ between two views of it: what its text
    and its links (``page_links``; the absolute ones from the request's ``origin``) are made from."""
    snippet, parent = context["snippet"], context["parent"]
    return (
        snippet.pk, context["number"], context["latest"], context["made_at"], snippet.title, snippet.expires_at,
        tuple((file.pk, file.filename, file.sha256, file.lexer, file.lexer_source) for file in files),
        parent and (parent.pk, str(parent), parent.file_count),
        tuple((child.pk, str(child), child.created_at) for child in context["children"]), context["more_forks"],
        context["style"], context["styles"], context["style_css"], context["source"], version, origin,
        shown_times(context),
    )


def shown_times(context):
    """The relative words the page shows for its times ("3 minutes ago"): a page kept in the
    cache is used only while they still read the same."""
    snippet = context["snippet"]
    moments = [snippet.created_at, snippet.expires_at, context["made_at"],
               *(child.created_at for child in context["children"])]
    return tuple(times.phrase(moment) if moment else None for moment in moments)


def origin(request):
    """``scheme://host`` as the page's absolute URLs start: the request's Host (checked as Django
    does) written one way, in lower case, without a final dot or the scheme's default port. Its
    spellings (``LOCALHOST``, ``localhost.``, ``localhost:80``: 2^letters x 6 of them) would each
    be a page of its own in the cache, so that a client could fill it with one snippet."""
    domain, port = split_domain_port(request.get_host())
    host = domain if port in ("", DEFAULT_PORTS[request.scheme]) else f"{domain}:{port}"
    return f"{request.scheme}://{host}"


def linkable(relative):
    """Whether a parent or fork may be linked from a snippet's page."""
    return not (relative.is_expired or relative.is_removed or relative.burn_after_reading)


def burned_page(request, snippet_id):
    """A burn-after-reading snippet's page. To a GET (or a HEAD), the reveal step: it says the
    snippet will be destroyed once shown and offers a Reveal button; nothing of the snippet is
    read, nor burned, so a link-preview bot sees only that. Its POST (``reveal``) is the one
    showing: rendered uncached, then deleted (``burning``)."""

    known = catalog.current(request.META)
    style, _ = chosen_style(request, known)

    def page(snippet):
        files = revisions.files(revisions.latest(snippet.pk))
        several = len(files) > 1
        names = anchors.names([file.filename for file in files]) if several else [""]
        budget = highlighting.Budget()
        panes = []
        for file, name in zip(files, names):
            rendering = highlighting.render(file, request.META, use_cache=False, budget=budget)
            pane = Pane(file=file, anchor=f"{name}-" if several else "", raw_url="", rendering=rendering,
                        detected=language.detected(file, rendering, known))
            pane.code_block = mark_safe(pane_html(pane))
            panes.append(pane)
        context = {
            "snippet": snippet,
            "panes": panes,
            "several": several,
            "total_size": sum(file.size for file in files),
            "shown": 1,
            "latest": 1,
            "burned": True,
            "style": style,
            "styles": (style,),
            "style_css": style_css(style),
        }
        return render(request, "snippets/detail.html", context)

    def reveal_step():
        snippet = Snippet.objects.only("id", "title").filter(pk=snippet_id).first()  # its title: its creator's only
        if snippet is None:  # read meanwhile
            raise Http404(burning.ALREADY_READ)
        url = request.build_absolute_uri(reverse("snippets:detail", args=[snippet_id]))
        context = {"snippet": snippet, "preview": previews.burn_preview(url),
                   "owner_token": ownership.token_for(request, snippet_id)}
        response = render(request, "snippets/reveal.html", context)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    response = burning.serve(request, snippet_id, page, content_type="text/html; charset=utf-8", unopened=reveal_step)
    if response.status_code == 200 and request.method == "POST":
        ownership.forget(request, snippet_id)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_POST
@answers_gone
def reveal(request, snippet_id):
    """The Reveal button of a burn-after-reading snippet's page: its one reading (a POST, with
    Django's CSRF check and the cross-site check, as every form of the site). Any other snippet
    has nothing to reveal: its page."""
    snippet = lookup.live(snippet_id, Snippet.objects.only("id", "burn_after_reading", "expires_at", "removed_at",
                                                            "removed_reason"))
    if not snippet.burn_after_reading:
        return redirect(snippet)
    return burned_page(request, snippet_id)


def chosen_style(request, known):
    """(style, picked now): ``?style=`` (remembered in a cookie), else the cookie, else the default.

    Only a style the highlighter offers is taken; anything else is the default, so that
    made-up names add nothing to any cache (nor when the highlighter's list is unknown).
    """
    config = apps.get_app_config("snippets")
    for value, picked in ((request.GET.get("style"), True), (request.COOKIES.get(config.style_cookie), False)):
        if value and STYLE_NAME.fullmatch(value) and value in known.styles:
            return value, picked
    return config.default_style, False


def style_css(style):
    return sitewide.public_url("highlighter", f"/styles/{style}.css?selector=.highlight")


def review_url(snippet):
    """A patch's review page in the diff viewer, else None. Co-mounted, the link names the raw
    text's site path (fetched in-process); apart, it goes through ``/s/<id>/review``, whose
    request knows the absolute URL the diff viewer must fetch (a cached page does not)."""
    base = sitewide.service_url("diffviewer")
    if snippet.lexer not in comparing.PATCH_LEXERS or base is None:
        return None
    if base.startswith(("http://", "https://")):
        return reverse("snippets:review", args=[snippet.pk])
    return f"{base}/review?" + urlencode({"patch": reverse("snippets:raw", args=[snippet.pk])})


def compare_url(parent, snippet):
    if parent is None:
        return None
    fields = {"left": reverse("snippets:raw", args=[parent.pk]), "right": reverse("snippets:raw", args=[snippet.pk])}
    if parent.filename or snippet.filename:  # names for the diff's headers and its .patch (one file, renamed or not)
        fields.update(left_name=parent.filename or snippet.filename, right_name=snippet.filename or parent.filename)
    if snippet.lexer:  # so the diff viewer colours the lines as the snippet page does
        fields["lexer"] = snippet.lexer
    return sitewide.public_url("diffviewer", "/compare?" + urlencode(fields))


@require_safe
@answers_gone
def history(request, snippet_id):
    """Every revision, newest first, with its date, its files, and a link to what changed from
    the one before (the compare page).

    At most ``SNIPPET_MAX_REVISIONS`` (≤ 100) revisions of up to ``SNIPPET_MAX_FILES`` files:
    a page of 2,000 files takes about a second to render, so it is kept in the page cache,
    keyed on what can change it (the latest revision, the title, the latest files' languages).
    """
    snippet = lookup.live(snippet_id)
    if snippet.burn_after_reading:
        raise Http404("A burn-after-reading snippet has no history to show.")
    pages = apps.get_app_config("snippets").pages
    key = history_key(snippet)
    page = pages.get(key)
    if page is None:
        page = render_to_string("snippets/history.html", history_context(snippet), request).encode()
        pages.put(key, page)
    return HttpResponse(page)


def history_key(snippet):
    """Everything that can change a history page: older revisions never change, and only the
    latest revision's files can be given another language (``relabel``); the heading is the
    title, else the first file's name. The snippet's id first, so ``pages.forget`` drops it."""
    latest = revisions.latest(snippet.pk)
    files = File.objects.filter(revision=latest).order_by("position").values_list("pk", "filename", "lexer", "lexer_source")
    return (snippet.pk, "history", latest.number, snippet.title, tuple(files))


def history_context(snippet):
    snippet_id = snippet.pk
    made = revisions.history(snippet_id)
    files = {}
    for file in File.objects.filter(revision__snippet_id=snippet_id).defer("content").order_by("position"):
        files.setdefault(file.revision_id, []).append(file)
    rows = [{"revision": made_one, "files": files.get(made_one.pk, []),
             "compare_url": compare_path(snippet_id, made_one.number - 1, made_one.number) if made_one.number > 1 else None}
            for made_one in reversed(made)]
    return {"snippet": snippet, "rows": rows, "latest": len(made)}


def compare_path(snippet_id, a, b):
    return reverse("snippets:compare", args=[snippet_id, a, b])
