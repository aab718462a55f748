"""Burn-after-reading: burned only by a person reading it, and only by an answer that is made.

- ``HEAD`` never burns (link-preview bots send it): it answers 200, without the content.
- A request carrying ``sitewide.APP_FETCH_HEADER`` (another app fetching for its own use,
  the diff viewer comparing) is refused with 409, and the snippet stays unread.
- Otherwise the answer is made first, and the row deleted after: a request that fails
  while the answer is made (a bad template, a database error) burns nothing. Of two readers
  at once, only the one whose DELETE removed the row is answered; the other gets a 404.
- Every answer about a burn snippet is ``Cache-Control: no-store, private``.
"""

from django.http import Http404, HttpResponse, JsonResponse

from apps import sitewide
from apps.snippets.models import Snippet

NO_STORE = "no-store, private"
NOT_OPENED = (
    "This snippet is burn-after-reading: only a person opening its link can read it, once. "
    "It was not opened, and is still unread."
)


def serve(request, snippet_id, respond, content_type):
    """``respond(snippet)`` for the one reader of a burn snippet, who burns it; else a refusal."""
    if request.method == "HEAD":
        return no_store(HttpResponse(content_type=content_type))
    if request.headers.get(sitewide.APP_FETCH_HEADER):
        return no_store(JsonResponse({"error": {"code": "burn_after_reading", "message": NOT_OPENED}}, status=409))
    snippet = Snippet.objects.filter(pk=snippet_id, burn_after_reading=True).first()
    if snippet is None:
        raise Http404("No such snippet, or it has already been read.")
    response = respond(snippet)
    if not burn(snippet_id):
        raise Http404("No such snippet, or it has already been read.")
    return no_store(response)


def burn(snippet_id):
    """Delete the burn snippet; True for the one caller whose DELETE removed it."""
    deleted, _ = Snippet.objects.filter(pk=snippet_id, burn_after_reading=True).delete()
    return bool(deleted)


def no_store(response):
    response["Cache-Control"] = NO_STORE
    return response
