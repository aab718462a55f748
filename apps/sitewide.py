"""What every app knows about the site around it, as plain data from the environment.

Not an app: the small contract the three apps share instead of importing each other.

- ``SITE_NAV``: JSON list of ``[label, url]`` for the common header (set by the composite).
- ``SITE_STYLESHEET``: URL of the site-wide stylesheet, if any.
- ``SITE_ICON``: URL of the site's icon, if any.
- ``SITE_HOME``: where the site's name in the header leads (else each app's own root).
- ``<NAME>_URL`` (``HIGHLIGHTER_URL``, ``DIFFVIEWER_URL``, ``SNIPPETS_URL``): where another
  app lives. A path (``/highlight``) means "co-mounted in this process": it is reached
  through the in-process client the composite puts in the WSGI environ. A full URL
  (``http://10.0.0.5:8001``) is reached over the network.
- ``ALLOWED_HOSTS`` (with ``DEBUG``): the host names every app answers to
  (``allowed_hosts()``); each app checks ``Host`` with its own framework's mechanism,
  fed this one list.
- ``APP_FETCH_HEADER``: the request header an app sets when it fetches another app's
  content for its own use (the diff viewer reading a snippet's raw text). The answering
  app treats such a request as "not a person reading": a burn-after-reading snippet is
  refused, unburned. A client that sends it only ever gets less, so it needs no secret.
- ``Cache-Control: no-store`` on a request to the highlighter means: this text must not be
  kept anywhere (a burn-after-reading snippet); neither read nor write any cache.
- ``content_security_policy()``: the one CSP every app's pages start from.
- ``X-Request-ID``: every app-to-app call carries the id of the request that made it
  (``request_id_headers``; the clients made here add it), so one page view's calls can be
  found in every app's log by one id.

Imports no web framework and no app.
"""

import json
import os

import httpx

IN_PROCESS_CLIENT = "composite.http_client"  # the WSGI environ key the composite fills
DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=1.0)
APP_FETCH_HEADER = "X-Composite-Fetch"  # value: the fetching app's name, e.g. "diffviewer"
DEVELOPMENT_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def debug():
    return os.environ.get("DEBUG", "").strip().lower() in ("1", "true", "yes", "on")


def allowed_hosts():
    """Host names the site answers to: ``ALLOWED_HOSTS``, else the loopback names in DEBUG.

    Django's syntax, shared by every app: ``example.com``, ``.example.com`` (and its
    subdomains), ``*`` (any; only for a site behind a proxy that checks Host itself).
    Empty when nothing is configured outside DEBUG: such a site answers no Host at all.
    """
    raw = os.environ.get("ALLOWED_HOSTS")
    if raw is None or not raw.strip():
        return list(DEVELOPMENT_HOSTS) if debug() else []
    return [item.strip() for item in raw.split(",") if item.strip()]


def allowed_host_names():
    """``allowed_hosts()`` without the port an entry may name (``example.com:8443``).

    A port in an entry lets the composite accept a ``Host`` with exactly that port; the
    frameworks match names only (Django's ``ALLOWED_HOSTS`` would never match such an entry).
    """
    names = []
    for entry in allowed_hosts():
        name, colon, port = entry.rpartition(":")
        names.append(name if colon and port.isdigit() and (name.endswith("]") or ":" not in name) else entry)
    return names


def content_security_policy(framable=False, form_targets=()):
    """The Content-Security-Policy every app's HTML starts from.

    Scripts and styles come only from the site itself (no inline script anywhere);
    inline ``style`` attributes are allowed, since Pygments' inline-styled output uses
    them. ``framable`` pages (embeds) may be framed by any origin; every other page by
    none. ``form_targets`` are further origins forms may post to (another app deployed
    apart, at its own origin).
    """
    forms = " ".join(("'self'",) + tuple(form_targets))
    ancestors = "*" if framable else "'none'"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        f"form-action {forms}; frame-ancestors {ancestors}"
    )


def form_origins():
    """Origins of the other apps when deployed apart (for ``form-action``)."""
    origins = []
    for name in ("SNIPPETS", "HIGHLIGHTER", "DIFFVIEWER"):
        url = service_url(name) or ""
        if url.startswith(("http://", "https://")):
            scheme, _, rest = url.partition("://")
            origins.append(f"{scheme}://{rest.split('/', 1)[0]}")
    return tuple(dict.fromkeys(origins))


def nav_links():
    try:
        links = json.loads(os.environ.get("SITE_NAV", "[]"))
    except ValueError:
        return []
    return [(str(label), str(url)) for label, url in links]


def stylesheet():
    return os.environ.get("SITE_STYLESHEET") or None


def icon():
    return os.environ.get("SITE_ICON") or None


def home_url():
    return os.environ.get("SITE_HOME") or None


def page_context():
    """What every app's page frame needs to look like one site, as template variables."""
    return {
        "site_nav": nav_links(),
        "site_stylesheet": stylesheet(),
        "site_icon": icon(),
        "site_home": home_url(),
    }


def service_url(name):
    """The configured base URL of another app, without a trailing slash (None if unset)."""
    url = os.environ.get(f"{name.upper()}_URL", "").strip()
    if not url:
        return None
    return url.rstrip("/") or ""


def public_url(name, path=""):
    """A URL of another app that a browser can follow (for links and forms)."""
    base = service_url(name)
    if base is None:
        return None
    return base + path


def request_id_headers(environ):
    """The headers an app-to-app call carries on from the request that made it: its id."""
    rid = environ.get("HTTP_X_REQUEST_ID") if environ else None
    return {"X-Request-ID": rid} if rid else {}


def site_client(environ):
    """An httpx client onto the whole site in this process (co-mounted only), else None.

    Relative URLs are site paths: ``client.get("/s/abc/raw")``. No socket is opened.
    """
    factory = environ.get(IN_PROCESS_CLIENT) if environ else None
    if factory is None:
        return None
    client = factory()
    client.headers.update(request_id_headers(environ))
    return client


def service_client(name, environ, timeout=DEFAULT_TIMEOUT):
    """An httpx client whose relative URLs reach app ``name``, or None when it is nowhere.

    Use as a context manager. ``client.get("/api/lexers")`` hits that app's own route.
    """
    base = service_url(name)
    if base is None:
        return None
    if base.startswith(("http://", "https://")):
        return httpx.Client(base_url=base, timeout=timeout, headers=request_id_headers(environ))
    client = site_client(environ)
    if client is None:
        return None  # a path, but we are not inside the composite: nowhere to send it
    client.base_url = str(client.base_url).rstrip("/") + base
    return client
