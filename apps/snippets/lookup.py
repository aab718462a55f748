"""Finding a snippet that may be shown: missing is 404, expired is 410 at once."""

import functools

from django.http import Http404
from django.shortcuts import render

from apps.snippets.models import Snippet


class Gone(Exception):
    """The snippet existed but has expired (the cleanup command has not removed it yet)."""


def live(snippet_id, queryset=None):
    return showable((queryset if queryset is not None else Snippet.objects).filter(pk=snippet_id).first())


def showable(snippet):
    """``snippet`` as found by any query, or 404 when there was none and 410 when it expired."""
    if snippet is None:
        raise Http404("No such snippet.")
    if snippet.is_expired:
        raise Gone
    return snippet


def answers_gone(view):
    """Turn ``Gone`` into a 410 page."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Gone:
            return render(request, "snippets/gone.html", status=410)

    return wrapped
