"""Pages of the paste site: create, fork, raw, download, delete, share, report, mine, the
owner's language correction; health. The snippet page and its history are ``snippetpage``, the
owner's edit page ``editing``, a revision's download ``downloads``."""

from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps import sitewide, textinput
from apps.snippets import (
    burning,
    catalog,
    creation,
    downloads,
    formdata,
    intake,
    language,
    lookup,
    ownership,
    rawfiles,
    relabel,
    reports,
    revisions,
)
from apps.snippets.fileforms import FileBlocks
from apps.snippets.forms import SnippetForm
from apps.snippets.lookup import answers_gone
from apps.snippets.models import Snippet


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
    """The create form, or a fork's: file blocks (``fileforms``), the first with the snippet's
    title and lifetime. A fork starts from every file of the revision it was opened from
    (``?revision=<n>``, else the latest)."""
    options = {"environ": request.META, "catalog": catalog.current(request.META)}
    number = None
    if request.method == "POST":
        blocks = FileBlocks.posted(request, SnippetForm, **options)
        if blocks.is_valid():
            fields = blocks.first.cleaned_data
            try:
                snippet, token = creation.create_snippet(
                    request.META,
                    files=blocks.uploads,
                    title=fields["title"],
                    expiry=fields["expires"],
                    burn=fields["burn"],
                    parent=parent,
                )
            except intake.Refused as refused:  # the text of a snippet that was taken down
                blocks.add_error(refused.message)
            else:
                ownership.remember(request, snippet.id, token)
                if snippet.burn_after_reading:
                    return redirect("snippets:share", snippet.id)
                return redirect(snippet)
    elif parent is not None:
        number, files = forked_files(request, parent)
        blocks = FileBlocks.initial(SnippetForm, files, first_initial={"title": parent.title}, **options)
    else:
        blocks = FileBlocks.initial(SnippetForm, **options)
    context = {"form": blocks.first, "blocks": blocks, "parent": parent, "revision": number}
    status = 400 if blocks.has_errors and request.method == "POST" else 200
    return render(request, "snippets/create.html", context, status=status)


def forked_files(request, parent):
    """``(revision number or None, its files with their texts)`` for a fork's form."""
    asked = request.GET.get("revision", "")
    revision = revisions.numbered(parent.pk, int(asked)) if asked.isdigit() and len(asked) < 10 else None
    if asked and revision is None:
        raise Http404("This snippet has no such revision.")
    return (revision.number if revision else None), revisions.files(revision or revisions.latest(parent.pk))


@burning.readable_by_post
@answers_gone
def raw(request, snippet_id):
    return text_answer(request, snippet_id, lambda snippet: text_response(request, snippet))


@burning.readable_by_post
@answers_gone
def download(request, snippet_id):
    def attachment(snippet):
        response = text_response(request, snippet)
        response["Content-Disposition"] = content_disposition_header(True, rawfiles.one_file_name(request, snippet, snippet.head))
        return response

    return text_answer(request, snippet_id, attachment,
                       several=lambda snippet: downloads.download(request, snippet, revisions.latest(snippet_id)))


def text_answer(request, snippet_id, respond, several=None):
    """``respond(snippet)`` for raw and download; a burn snippet is burned by it (``burning``).
    A snippet of several files: ``several(snippet)``, else the list of its files."""
    snippet = lookup.showable(Snippet.objects.readable(snippet_id))
    if snippet.file_count > 1:  # several files are not one text: the list of them (300), or a .zip
        if several is not None:
            return several(snippet)
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
        # What "Save as" calls it: its name, else <id> with its language's extension.
        response["Content-Disposition"] = content_disposition_header(False, rawfiles.one_file_name(request, snippet, snippet.head))
    return response


def page_link(snippet):
    """``Link`` (RFC 8288) to the snippet's page, titled with its name (title, else file name, else
    id; ``title*`` percent-encoded, RFC 8187). The contract is in docs/diffviewer.md."""
    name = quote(str(snippet), safe="")
    return f"<{snippet.get_absolute_url()}>; rel=\"alternate\"; type=\"text/html\"; title*=UTF-8''{name}"


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
        return not_changed(request, snippet, revisions.NOT_CHANGEABLE, 409)
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


def not_changed(request, snippet, message, status, heading="Language not changed"):
    context = {"snippet": snippet, "message": message, "link": not snippet.burn_after_reading, "heading": heading}
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
def favicon(request):
    """Alone, the site's raw texts make browsers ask for this (``sitewide.favicon_answer``)."""
    status, headers = sitewide.favicon_answer()
    return HttpResponse(status=status, headers=headers)


@require_safe
def mine(request):
    ids = ownership.owned_ids(request)
    found = {s.pk: s for s in Snippet.objects.alive().filter(pk__in=ids, removed_at__isnull=True)}
    known = catalog.current(request.META)
    rows = [(found[i], language_label(found[i], known)) for i in ids if i in found]
    return render(request, "snippets/mine.html", {"rows": rows})


def language_label(snippet, known):
    """A snippet's language as its page names it: "Python", "Python (detected)"; "Auto-detect"
    while the language is not decided (the page decides it when shown)."""
    if not snippet.lexer:
        return "Auto-detect"
    return language.label(known.lexer_name(snippet.lexer), snippet.lexer_detected)


@require_safe
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means "not healthy", with its reason
        return JsonResponse({"status": "fail", "database": f"{type(error).__name__}: {error}"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})
