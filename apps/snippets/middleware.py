"""Failures answered plainly instead of with Django's generic pages.

- A request body over the snippet limit is refused with 413 before anything reads it
  (before the CSRF check, which would read it): JSON for the API, the form page with the
  error for browsers. A body sent in chunks without a Content-Length is 411 Length
  Required: Django reads Content-Length bytes, so it would otherwise be taken as empty.
- A database that cannot be reached (``OperationalError``, ``InterfaceError``) is a 503
  page saying so (JSON for the API), not a 500 and a traceback in the log.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.utils.deprecation import MiddlewareMixin

from apps.snippets.api import answers_json
from apps.snippets.api import error as json_error

log = logging.getLogger(__name__)


class RefuseOversizedBodies(MiddlewareMixin):
    def process_view(self, request, view, args, kwargs):
        if is_chunked(request.META):
            message = "Send the body with a Content-Length header; a chunked body cannot be read here."
            if answers_json(view):
                return json_error("length_required", message, 411)
            return render(request, "snippets/too_large.html", {"message": message, "title": "Length required"},
                          status=411)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return None
        message = f"The snippet is too large: the limit is {settings.SNIPPET_MAX_BYTES:,} bytes."
        if answers_json(view):
            return json_error("too_large", message, 413)
        return render(request, "snippets/too_large.html", {"message": message}, status=413)


def is_chunked(meta):
    """A body in chunks and no length for it (``curl -T -``, streaming clients).

    Not read, although gunicorn could hand it over (``wsgi.input_terminated``): the
    buffering worker passes a request that declares an absurd chunk size to a thread at
    once, and reading its body would hold that thread for as long as the client stalls.
    """
    codings = meta.get("HTTP_TRANSFER_ENCODING", "").lower()
    return codings.rsplit(",", 1)[-1].strip() == "chunked" and not meta.get("CONTENT_LENGTH")


class DatabaseUnavailable(MiddlewareMixin):
    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        log.error("database unavailable: %s: %s", type(exception).__name__, exception)
        message = "The database is not available right now. Please try again in a minute."
        match = getattr(request, "resolver_match", None)
        if match is not None and answers_json(match.func):
            response = json_error("database_unavailable", message, 503)
        else:
            response = render(request, "snippets/unavailable.html", {"message": message}, status=503)
        response["Retry-After"] = "30"
        return response
