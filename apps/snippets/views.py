"""Pages of the paste site: create, view, raw, download, fork, delete, share, report, mine, the
owner's language correction; health."""

import re
import secrets
from functools import wraps
from urllib.parse import quote, urlencode

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps import sitewide, textinput
from apps.snippets import (
    burning,
    catalog,
    creation,
    formdata,
    highlighting,
    intake,
    language,
    lookup,
    ownership,
    rawfiles,
    relabel,
    reports,
    revisions,
)
from apps.snippets.forms import LanguageForm, SnippetForm
from apps.snippets.lookup import answers_gone
from apps.snippets.models import DETECTED, FILENAME, Snippet

STYLE_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}")


def strict_text(view):
    """Run ``view`` with its form body kept byte-exact, so its text is decoded strictly.

    The encoding must be chosen before request.POST is first read, and the CSRF check reads
    it: so the middleware's check is skipped and the same check runs here, after. This is
    Django's own recipe for views that change how the body is parsed (upload handlers).
    """
    protected = csrf_protect(view)

    @csrf_exempt  # checked by csrf_protect above, once the body's encoding is set
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        formdata.keep_bytes(request)
        return protected(request, *args, **kwargs)

    return wrapped


@require_http_methods(["GET", "HEAD", "POST"])
@strict_text
def create(request):
    return snippet_form(request, parent=None)


@require_http_methods(["GET", "HEAD", "POST"])
@strict_text
@answers_gone
def fork(request, snippet_id):
    parent = lookup.live(snippet_id)
    if parent.burn_after_reading:
        raise Http404("A burn-after-reading snippet cannot be forked.")
    return snippet_form(request, parent=parent)


def snippet_form(request, parent):
    known = catalog.current(request.META)
    if request.method == "POST":
        text, undecodable = formdata.text_fields(request, SnippetForm.text_fields())
        form = SnippetForm(text, request.FILES, environ=request.META, catalog=known, undecodable=undecodable)
        if form.is_valid():
            fields = form.cleaned_data
            try:
                snippet, token = creation.create_snippet(
                    request.META,
                    content=fields["content"],
                    title=fields["title"],
                    filename=fields["filename"],
                    lexer=fields["lexer"],
                    expiry=fields["expires"],
                    burn=fields["burn"],
                    parent=parent,
                )
            except intake.Refused as refused:  # the text of a snippet that was taken down
                form.add_error("content", refused.message)
            else:
                ownership.remember(request, snippet.id, token)
                if snippet.burn_after_reading:
                    return redirect("snippets:share", snippet.id)
                return redirect(snippet)
    else:
        initial = {}
        if parent is not None:
            initial = {
                "content": parent.content,
                "title": parent.title,
                "filename": parent.filename,
                "lexer": chosen_lexer(parent),
            }
        form = SnippetForm(initial=initial, environ=request.META, catalog=known)
    context = {"form": form, "parent": parent}
    return render(request, "snippets/create.html", context, status=400 if form.errors else 200)


def chosen_lexer(parent):
    """A fork's language, filled in: the parent's when a person chose it, else auto (a fork
    whose text changed is detected again, and nobody claims to have chosen it)."""
    if parent.lexer_source in (FILENAME, DETECTED):
        return intake.AUTO
    return parent.lexer or intake.AUTO


@require_safe
@answers_gone
def detail(request, snippet_id):
    """The snippet page. One query; on a repeat view the page comes from memory as bytes."""
    family = list(Snippet.objects.family(snippet_id))
    snippet = lookup.showable(next((s for s in family if s.pk == snippet_id), None))
    if snippet.burn_after_reading:
        return burned_page(request, snippet_id)
    known = catalog.current(request.META)
    style, picked = chosen_style(request, known)
    parent = next((s for s in family if s.pk == snippet.parent_id and s.pk != snippet.pk), None)
    if parent is not None and not linkable(parent):
        parent = None  # nor a compare link: the diff viewer could not fetch it
    children = [s for s in family if s.parent_id == snippet.pk and s.pk != snippet.pk and linkable(s)]
    context = {
        "snippet": snippet,
        "parent": parent,
        "children": children,
        "compare_url": compare_url(parent, snippet),
        "review_url": review_url(snippet),
        "style": style,
        "styles": known.styles or (style,),
        "style_css": style_css(style),
        "fresh": ownership.take_fresh(request, snippet.pk),
        "owner_token": ownership.token_for(request, snippet.pk),
    }
    pages = apps.get_app_config("snippets").pages
    # The owner's page has the token notice or the language correction (with its CSRF token): never kept.
    key = None if context["fresh"] or context["owner_token"] else page_key(context, known.version)
    page = pages.get(key) if key else None
    if page is not None:
        response = HttpResponse(page)
    else:
        rendering = context["rendering"] = highlighting.render(snippet, request.META)
        context["detected"] = language.detected(snippet, rendering, known)
        if context["owner_token"]:
            context["language_form"] = LanguageForm(initial={"lexer": snippet.lexer or intake.AUTO}, catalog=known)
        if rendering.size > pages.max_item_bytes:
            response = StreamingHttpResponse(streamed_page(request, context, rendering))
        else:
            page = render_to_string("snippets/detail.html", {**context, "code_block": mark_safe(rendering.html)},
                                    request).encode()
            if key and not rendering.notice:
                pages.put(key, page)
            response = HttpResponse(page)
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


def linkable(relative):
    """Whether a parent or fork may be linked from a snippet's page."""
    return not (relative.is_expired or relative.is_removed or relative.burn_after_reading)


def streamed_page(request, context, rendering):
    """A page too big to keep, sent a piece at a time: the page around a marker, then the
    code block decompressed piece by piece in the marker's place (``codeblock``)."""
    marker = f"<!--code-block-{secrets.token_hex(16)}-->"
    head, tail = render_to_string(
        "snippets/detail.html", {**context, "code_block": mark_safe(marker)}, request
    ).split(marker, 1)
    yield head.encode()
    for piece in rendering.pieces():
        yield piece.encode()
    yield tail.encode()


def page_key(context, version):
    """Everything a snippet page shows that can differ between two views of it."""
    snippet, parent = context["snippet"], context["parent"]
    return (
        snippet.pk, snippet.sha256, snippet.lexer, snippet.lexer_source, snippet.title, snippet.filename, snippet.expires_at,
        parent and (parent.pk, str(parent)),
        tuple((child.pk, str(child), child.created_at) for child in context["children"]),
        context["style"], context["styles"], context["style_css"], context["compare_url"], version,
    )


def burned_page(request, snippet_id):
    """The one showing of a burn-after-reading snippet: rendered uncached, then deleted."""

    known = catalog.current(request.META)
    style, _ = chosen_style(request, known)

    def page(snippet):
        context = {
            "snippet": snippet,
            "rendering": (rendering := highlighting.render(snippet, request.META, use_cache=False)),
            "detected": language.detected(snippet, rendering, known),
            "code_block": mark_safe(rendering.html),
            "burned": True,
            "style": style,
            "styles": (style,),
            "style_css": style_css(style),
        }
        return render(request, "snippets/detail.html", context)

    response = burning.serve(request, snippet_id, page, content_type="text/html; charset=utf-8")
    if response.status_code == 200 and request.method == "GET":
        ownership.forget(request, snippet_id)
    return response


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


PATCH_LEXERS = ("diff", "udiff")  # Pygments' aliases of the diff lexer


def review_url(snippet):
    """A patch's review page in the diff viewer (its raw text fetched in-process), else None."""
    if snippet.lexer not in PATCH_LEXERS:
        return None
    return sitewide.public_url("diffviewer", "/review?" + urlencode({"patch": reverse("snippets:raw", args=[snippet.pk])}))


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
def raw(request, snippet_id):
    return text_answer(request, snippet_id, lambda snippet: text_response(request, snippet))


@require_safe
@answers_gone
def download(request, snippet_id):
    def attachment(snippet):
        response = text_response(request, snippet)
        response["Content-Disposition"] = content_disposition_header(True, download_name(snippet))
        return response

    return text_answer(request, snippet_id, attachment)


def text_answer(request, snippet_id, respond):
    """``respond(snippet)`` for raw and download; a burn snippet is burned by it (``burning``)."""
    snippet = lookup.showable(Snippet.objects.readable(snippet_id))
    if snippet.file_count > 1:  # several files are not one text: the list of them (300)
        return rawfiles.choices(request, snippet, revisions.files(revisions.latest(snippet_id), text=False))
    if snippet.burn_after_reading:
        return burning.serve(request, snippet_id, respond, content_type="text/plain; charset=utf-8")
    return respond(snippet)


def text_response(request, snippet):
    """The text, revalidated on every use (``private, no-cache`` and an ETag): a deleted
    snippet is gone at once from every cache that honours HTTP, and no shared cache keeps it.

    A snippet's text never changes, so it was last modified when it was created: that time
    answers If-Modified-Since (304) and If-Unmodified-Since (412 only for a date before it)."""
    etag = f'"{snippet.sha256}"'
    created = int(snippet.created_at.timestamp())
    # Django's conditional GET: If-None-Match compared weakly, lists and "*" (304); a failed If-Match (412)
    response = None if snippet.burn_after_reading else get_conditional_response(request, etag=etag,
                                                                                 last_modified=created)
    if response is None:
        response = HttpResponse(snippet.content, content_type="text/plain; charset=utf-8")
    response["ETag"] = etag
    if not snippet.burn_after_reading:
        response["Last-Modified"] = http_date(created)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = burning.NO_STORE if snippet.burn_after_reading else "private, no-cache"
    if not snippet.burn_after_reading:  # what the text is, for an app that shows it (the diff viewer's compare)
        response["Link"] = page_link(snippet)
        if snippet.filename:
            response["Content-Disposition"] = content_disposition_header(False, download_name(snippet))
    return response


def page_link(snippet):
    """``Link`` (RFC 8288) to the snippet's page, titled with its name (title, else file name, else
    id; ``title*`` percent-encoded, RFC 8187). The contract is in docs/diffviewer.md."""
    name = quote(str(snippet), safe="")
    return f"<{snippet.get_absolute_url()}>; rel=\"alternate\"; type=\"text/html\"; title*=UTF-8''{name}"


def download_name(snippet):
    """The file name for a download: the last path part, no control characters."""
    name = re.split(r"[/\\]", snippet.filename)[-1] if snippet.filename else ""
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".")
    return name[:255] or f"{snippet.pk}.txt"


@require_http_methods(["GET", "HEAD", "POST"])
@answers_gone
def delete(request, snippet_id):
    snippet = lookup.live(snippet_id)
    owner_token = ownership.token_for(request, snippet.pk)
    error = None
    if request.method == "POST":
        token = request.POST.get("token", "").strip() or owner_token
        if snippet.accepts_delete_token(token):
            Snippet.objects.filter(pk=snippet.pk).delete()
            ownership.forget(request, snippet.pk)
            messages.success(request, "The snippet was deleted.")
            return redirect("snippets:create")
        error = "That delete token does not match this snippet."
    context = {"snippet": snippet, "owner_token": owner_token, "error": error}
    return render(request, "snippets/delete.html", context, status=403 if error else 200)


@require_POST
@strict_text
@answers_gone
def set_language(request, snippet_id):
    """The owner's one-click correction of the language (``relabel``): the same snippet, its
    page made again with the new lexer. Anyone else (no delete token in their session) is
    refused; a burn-after-reading snippet is not changeable (409)."""
    snippet = lookup.live(snippet_id)  # read only to render it
    if not snippet.accepts_delete_token(ownership.token_for(request, snippet.pk)):
        raise PermissionDenied("Only the snippet's creator can change its language, from the browser that created it.")
    if snippet.burn_after_reading:
        return not_changed(request, snippet, relabel.NOT_CHANGEABLE, 409)
    fields, undecodable = formdata.text_fields(request, ("lexer",))
    if undecodable:
        return not_changed(request, snippet, next(iter(undecodable.values())).message, 400)
    try:
        changed = relabel.relabel(snippet, fields.get("lexer", ""), request.META)
    except intake.Refused as refused:
        return not_changed(request, snippet, refused.message, refused.status)
    if not changed:
        lookup.live(snippet_id)  # removed or deleted meanwhile: 410 or 404
    return redirect(snippet)


def not_changed(request, snippet, message, status):
    context = {"snippet": snippet, "message": message, "link": not snippet.burn_after_reading}
    return render(request, "snippets/not_changed.html", context, status=status)


@require_safe
@answers_gone
def share(request, snippet_id):
    """What the creator of a burn-after-reading snippet sees instead of it: the link to pass on."""
    snippet = Snippet.objects.filter(pk=snippet_id, burn_after_reading=True).first()
    if snippet is None or snippet.is_expired:
        raise Http404("No such snippet, or it has already been read.")
    lookup.showable(snippet)  # removed: 410
    context = {
        "snippet": snippet,
        "link": request.build_absolute_uri(snippet.get_absolute_url()),
        "owner_token": ownership.token_for(request, snippet.pk),
        "fresh": ownership.take_fresh(request, snippet.pk),
    }
    response = render(request, "snippets/share.html", context)
    response["Cache-Control"] = burning.NO_STORE
    return response


REPORT_FIELDS = ("id", "title", "expires_at", "burn_after_reading", "removed_at", "removed_reason")


@require_http_methods(["GET", "HEAD", "POST"])
@strict_text
@answers_gone
def report(request, snippet_id):
    """Report a snippet to the site's admins. Its content is never read here, so a
    burn-after-reading snippet is reported without being burned (nor its title shown).

    The fields are read strictly, as the snippet form's are (``formdata.text_fields``), and
    the text box's CRLF is undone (``textinput.from_textarea``)."""
    snippet = lookup.live(snippet_id, Snippet.objects.only(*REPORT_FIELDS))
    if request.method == "POST":
        fields, undecodable = formdata.text_fields(request, ("reason", "text"))
        if "text" in fields and "text" not in undecodable:
            fields["text"] = textinput.from_textarea(fields["text"])
        form = reports.ReportForm(fields, undecodable=undecodable)
    else:
        form = reports.ReportForm()
    if form.is_valid():
        reports.file_report(snippet, form.cleaned_data["reason"], form.cleaned_data["text"], request.META.get("REMOTE_ADDR"))
        return render(request, "snippets/reported.html", {"snippet": snippet})
    return render(request, "snippets/report.html", {"snippet": snippet, "form": form}, status=400 if form.errors else 200)


@require_safe
def mine(request):
    ids = ownership.owned_ids(request)
    found = {s.pk: s for s in Snippet.objects.alive().filter(pk__in=ids, removed_at__isnull=True)}
    return render(request, "snippets/mine.html", {"snippets": [found[i] for i in ids if i in found]})


@require_safe
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means "not healthy", with its reason
        return JsonResponse({"status": "fail", "database": f"{type(error).__name__}: {error}"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})
