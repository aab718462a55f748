"""No page on another site can make a visitor's browser create, edit or delete anything.

A browser says where a request comes from: ``Origin`` on every cross-origin POST, PUT,
PATCH or DELETE (and ``null`` from sandboxed frames and ``data:`` pages), and
``Sec-Fetch-Site`` (``same-origin``, ``same-site``, ``cross-site``, ``none``). A write is
refused with 403 when its ``Origin`` is neither the site's own (the scheme and host of the
request, as the proxy handling outside Django reports them), nor in
``CSRF_TRUSTED_ORIGINS``, nor another app of this site deployed apart; or, without an
``Origin``, when ``Sec-Fetch-Site`` says another site sent it. ``same-site`` is not
trusted by itself: a sibling sub-domain (``evil.example.io`` beside ``paste.example.io``)
is another party. curl and other clients that are not browsers send neither header and
keep working without ceremony. The API is CSRF-exempt (token-based, no cookies read for
auth) and is protected by this alone; the form pages keep Django's CSRF check as well.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.deprecation import MiddlewareMixin

from apps import sitewide
from apps.snippets.api import answers_json
from apps.snippets.api import error as json_error

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class RefuseCrossSiteWrites(MiddlewareMixin):
    def process_view(self, request, view, args, kwargs):
        if request.method not in WRITES:
            return None
        sender = foreign_sender(request)
        if sender is None:
            return None
        message = (
            f"Refused: this request was sent by a page on another site ({sender}). Create, change and "
            "delete snippets from this site's own pages, or with curl or another program."
        )
        if answers_json(view):
            return json_error("cross_site", message, 403)
        return render(request, "snippets/too_large.html", {"message": message, "title": "Not allowed"}, status=403)


def foreign_sender(request):
    """How the request shows that another site sent it (for the message), or None."""
    origin = request.headers.get("Origin")
    if origin is not None:
        return None if trusted(origin, request) else f"Origin: {origin[:100]}"
    fetch_site = request.headers.get("Sec-Fetch-Site", "").strip().lower()
    if fetch_site in ("cross-site", "same-site"):
        return f"Sec-Fetch-Site: {fetch_site}"
    return None


def trusted(origin, request):
    origin = origin.strip().lower()
    if origin == f"{request.scheme}://{request.get_host()}".lower():
        return True
    if origin in (o.lower() for o in sitewide.form_origins()):
        return True
    return any(matches(origin, pattern.lower()) for pattern in settings.CSRF_TRUSTED_ORIGINS)


def matches(origin, pattern):
    """``https://*.example.com`` matches its sub-domains, as Django's CSRF_TRUSTED_ORIGINS does."""
    if "://*." not in pattern:
        return origin == pattern
    scheme, _, domain = pattern.partition("://*.")
    return origin.startswith(scheme + "://") and origin.endswith("." + domain)
