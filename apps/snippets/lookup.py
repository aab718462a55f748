"""Finding a snippet that may be shown: missing is 404, expired or removed is 410 at once."""

import functools

from django.http import Http404, JsonResponse
from django.shortcuts import render

from apps import sitewide
from apps.snippets.models import REASONS, Snippet

REASON_LABELS = dict(REASONS)
EXPIRED_MESSAGE = "This snippet has expired."
REMOVED_MESSAGE = "This snippet was removed for breaking the site's rules ({reason})."


class Gone(Exception):
    """The snippet existed but has expired (the cleanup command has not removed it yet)."""


class Removed(Gone):
    """The snippet was taken down (``takedown``): its content is gone for good."""

    def __init__(self, snippet):
        super().__init__(snippet.pk)
        self.snippet_id = snippet.pk
        self.reason = snippet.removed_reason

    @property
    def reason_label(self):
        return REASON_LABELS.get(self.reason, "rules").lower()

    @property
    def message(self):
        return REMOVED_MESSAGE.format(reason=self.reason_label)


def live(snippet_id, queryset=None):
    return showable((queryset if queryset is not None else Snippet.objects).filter(pk=snippet_id).first())


def showable(snippet):
    """``snippet`` as found by any query, or 404 when there was none and 410 when it expired
    or was removed."""
    if snippet is None:
        raise Http404("No such snippet.")
    if snippet.is_removed:
        raise Removed(snippet)
    if snippet.is_expired:
        raise Gone
    return snippet


def answers_gone(view):
    """Turn ``Gone`` into a 410 page, and ``Removed`` into a 410 that says so.

    Another app fetching for its own use (the diff viewer's compare) gets either as JSON,
    ``{"error": {"code": "removed" or "gone", ...}}``, so that it can say why.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Removed as removed:
            return removed_answer(request, removed)
        except Gone:
            if request.headers.get(sitewide.APP_FETCH_HEADER):
                return JsonResponse({"error": {"code": "gone", "message": EXPIRED_MESSAGE}}, status=410)
            return render(request, "snippets/gone.html", status=410)

    return wrapped


def removed_answer(request, removed):
    if request.headers.get(sitewide.APP_FETCH_HEADER):
        return removed_json(removed)
    context = {"reason": removed.reason_label, "message": removed.message}
    return render(request, "snippets/removed.html", context, status=410)


def removed_json(removed):
    error = {"code": "removed", "message": removed.message, "reason": removed.reason or "other"}
    return JsonResponse({"error": error}, status=410)
