"""The exact bytes of one file of a snippet: ``/s/<id>/raw/<name>`` (latest revision) and
``/s/<id>/<n>/raw/<name>`` (revision n, forever the same), and what ``/s/<id>/raw`` says
when there is more than one file.

Answered as the one-file raw is (``views.text_response``): ``text/plain; charset=utf-8``,
``nosniff``, a sandbox CSP, an ``ETag`` (the file's SHA-256), ``Last-Modified`` (when its
revision was made), ``private, no-cache``. A burn-after-reading snippet is burned by
reading any one of its files, by a POST (``burning``: a GET never burns): all its files go with it.

``/s/<id>/raw`` of a snippet with several files cannot be one text: it answers **300
Multiple Choices**, a plain-text list of the files with their raw URLs (one per line,
``<name>\t<url>``), and a ``Link: <url>; rel="alternate"; title*=…`` per file, so that a
program can choose; no file is read, and a burn snippet is not burned by it (nor are its
names shown).
"""

from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date

from apps.snippets import burning, catalog, lookup, revisions
from apps.snippets.lookup import answers_gone

NO_FILE = "This snippet has no file of that name in that revision."


@burning.readable_by_post
@answers_gone
def latest_file(request, snippet_id, filename):
    return file_answer(request, snippet_id, None, filename)


@burning.readable_by_post
@answers_gone
def revision_file(request, snippet_id, number, filename):
    return file_answer(request, snippet_id, number, filename)


def file_answer(request, snippet_id, number, filename):
    snippet = lookup.live(snippet_id)
    revision = revisions.latest(snippet_id) if number is None else revisions.numbered(snippet_id, number)
    if revision is None:
        raise Http404("This snippet has no such revision.")
    if snippet.burn_after_reading:
        return burning.serve(request, snippet_id, lambda burned: respond(request, burned, revision, filename),
                             content_type="text/plain; charset=utf-8")
    return respond(request, snippet, revision, filename)


def respond(request, snippet, revision, filename):
    file = revisions.file_named(revision, filename)
    if file is None:
        raise Http404(NO_FILE)
    return file_response(request, snippet, revision, file)


def file_response(request, snippet, revision, file):
    """One file's text, as ``views.text_response`` answers a one-file snippet's."""
    burn = snippet.burn_after_reading
    etag = f'"{file.sha256}"'
    made = int(revision.created_at.timestamp())
    response = None if burn else get_conditional_response(request, etag=etag, last_modified=made)
    if response is None:
        response = HttpResponse(file.content, content_type="text/plain; charset=utf-8")
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = burning.NO_STORE if burn else "private, no-cache"
    if not burn:
        response["Last-Modified"] = http_date(made)
        page = reverse("snippets:revision", args=[snippet.pk, revision.number])
        name = quote(file.filename or snippet.title or snippet.pk, safe="")
        response["Link"] = f"<{page}>; rel=\"alternate\"; type=\"text/html\"; title*=UTF-8''{name}"
        name = file.filename or one_file_name(request, snippet, file)  # "Save as" names it so
        response["Content-Disposition"] = content_disposition_header(False, name)
    return response


def one_file_name(request, snippet, file):
    """A one-file snippet's file as saved: its name (the last part of a path, printable), else
    ``<id>`` with its language's usual extension (``.py``; ``.txt`` for plain or unknown)."""
    name = "".join(char for char in file.filename.replace("\\", "/").rsplit("/", 1)[-1] if char.isprintable())
    name = name.strip().strip(".")[:255]
    if name:
        return name
    extension = catalog.current(request.environ).extension(file.lexer) if file.lexer else ""
    return f"{snippet.pk}{extension or '.txt'}"


def raw_url(snippet_id, file, number=None):
    """The path of a file's raw text: of the latest revision, or of revision ``number``."""
    if number is None:
        return reverse("snippets:raw-file", args=[snippet_id, file.filename])
    return reverse("snippets:revision-raw-file", args=[snippet_id, number, file.filename])


def choices(request, snippet, files, number=None):
    """300 Multiple Choices for the raw URL of a revision with several files."""
    if snippet.burn_after_reading:  # its names are not shown before it is read
        body = (f"This snippet has {len(files)} files; open {request.build_absolute_uri(snippet.get_absolute_url())} "
                "and reveal them, or POST to "
                f"{request.build_absolute_uri(reverse('snippets:download', args=[snippet.pk]))} for a .zip of them "
                "(either reads them once; then they are deleted).\n")
        response = HttpResponse(body, status=300, content_type="text/plain; charset=utf-8")
        response["Cache-Control"] = burning.NO_STORE
    else:
        urls = [request.build_absolute_uri(raw_url(snippet.pk, file, number)) for file in files]
        lines = [f"{file.filename}\t{url}" for file, url in zip(files, urls)]
        response = HttpResponse("\n".join(lines) + "\n", status=300, content_type="text/plain; charset=utf-8")
        response["Link"] = ", ".join(
            f"<{url}>; rel=\"alternate\"; type=\"text/plain\"; title*=UTF-8''{quote(file.filename, safe='')}"
            for file, url in zip(files, urls))
        response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@burning.readable_by_post
@answers_gone
def revision_raw(request, snippet_id, number):
    """``/s/<id>/<n>/raw``: revision n's one file, or the list of its files (300)."""
    snippet = lookup.live(snippet_id)
    revision = revisions.numbered(snippet_id, number)
    if revision is None:
        raise Http404("This snippet has no such revision.")
    files = revisions.files(revision, text=False)
    if len(files) > 1:
        return choices(request, snippet, files, number)
    if snippet.burn_after_reading:
        return burning.serve(request, snippet_id, lambda burned: file_response(request, burned, revision,
                                                                                revisions.files(revision)[0]),
                             content_type="text/plain; charset=utf-8")
    return file_response(request, snippet, revision, revisions.files(revision)[0])

