"""Burn-after-reading: burned only by a person asking to read it (a POST), and only by an answer that is made.

No GET or HEAD ever burns: link-preview bots, crawlers and mail scanners fetch every link they
see, with any User-Agent, and a bot must not use up the one reading.

- ``HEAD`` answers 200, without the content.
- ``GET`` of the page (``/s/<id>``, ``/s/<id>/1``) shows the reveal step (``snippetpage``): a
  page that says the snippet will be destroyed once shown, with a Reveal button; its POST to
  ``/s/<id>/reveal`` (Django's CSRF check, and ``crosssite``) is the reading. ``GET`` of a raw or
  download URL answers 409 ``burn_after_reading`` saying to POST the same URL: that POST is a
  program's reading (``composite get`` sends it), CSRF-exempt like the API and refused to
  another site's pages by ``crosssite``.
- A request carrying ``sitewide.APP_FETCH_HEADER`` (another app fetching for its own use,
  the diff viewer comparing) is refused with 409, and the snippet stays unread.
- A reading's answer is made first, and the row deleted after: a request that fails while
  the answer is made (a bad template, a database error) burns nothing. Of two readers at
  once, only the one whose DELETE removed the row is answered (the database's row lock
  decides); the other gets a 404, also when the row went while its answer was being made.
- Every answer about a burn snippet is ``Cache-Control: no-store, private``.
"""

from functools import wraps

from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from apps import sitewide
from apps.snippets.models import Snippet

NO_STORE = "no-store, private"
NOT_OPENED = (
    "This snippet is burn-after-reading: only a person opening its link can read it, once. "
    "It was not opened, and is still unread."
)
READ_BY_POST = (
    "This snippet is burn-after-reading: it is shown once, then deleted. A GET never opens it (link "
    "previews would burn it): POST to this URL to read it (curl -X POST {url}), or open {page} and reveal it. "
    "It is still unread."
)
ALREADY_READ = "No such snippet, or it has already been read."


def serve(request, snippet_id, respond, content_type, unopened=None):
    """``respond(snippet)`` for the one reader of a burn snippet, who burns it (a POST); to a GET,
    ``unopened()`` (the reveal step) or the 409 that says how to read it; else a refusal."""
    if request.method == "HEAD":
        return no_store(HttpResponse(content_type=content_type))
    if request.headers.get(sitewide.APP_FETCH_HEADER):
        return no_store(JsonResponse({"error": {"code": "burn_after_reading", "message": NOT_OPENED}}, status=409))
    if request.method != "POST":
        return no_store(unopened() if unopened is not None else read_by_post(request, snippet_id))
    snippet = Snippet.objects.filter(pk=snippet_id, burn_after_reading=True).first()
    if snippet is None:
        raise Http404(ALREADY_READ)
    try:
        response = respond(snippet)
    except Exception:
        if not Snippet.objects.filter(pk=snippet_id).exists():  # another reader burned it while this answer was made
            raise Http404(ALREADY_READ) from None
        raise
    if not burn(snippet_id):
        response.close()  # made for nothing: its resources (a download's spooled archive) go now
        raise Http404(ALREADY_READ)
    return no_store(response)


def read_by_post(request, snippet_id):
    """409 to a GET of a burn snippet's raw or download URL: it is read by a POST there."""
    page = request.build_absolute_uri(reverse("snippets:detail", args=[snippet_id]))
    message = READ_BY_POST.format(url=request.build_absolute_uri(), page=page)
    return JsonResponse({"error": {"code": "burn_after_reading", "message": message}}, status=409)


def readable_by_post(view):
    """A raw or download view that a program may also POST to, to read a burn snippet (once).

    CSRF-exempt like the API: nothing but the burn is at stake and no cookie is read; a browser
    posting from another site is refused by ``crosssite``. A POST about any other snippet is
    405, as before; about none, the view's own 404."""

    @csrf_exempt
    @require_http_methods(["GET", "HEAD", "POST"])
    @wraps(view)
    def wrapped(request, snippet_id, *args, **kwargs):
        if request.method == "POST":
            burns = Snippet.objects.filter(pk=snippet_id).values_list("burn_after_reading", flat=True).first()
            if burns is False:
                return HttpResponseNotAllowed(["GET", "HEAD"])
        return view(request, snippet_id, *args, **kwargs)

    return wrapped


def burn(snippet_id):
    """Delete the burn snippet; True for the one caller whose DELETE removed it."""
    deleted, _ = Snippet.objects.filter(pk=snippet_id, burn_after_reading=True).delete()
    return bool(deleted)


def no_store(response):
    response["Cache-Control"] = NO_STORE
    return response
