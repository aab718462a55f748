"""What every app knows about the site around it, as plain data from the environment.

Not an app: the small contract the three apps share instead of importing each other.

The composite hands its values to each app's factory (``create_app(…, site=values)``), never
through ``os.environ``; the factory serves its app through ``handed_over(app, site)``, which
puts them in ``HANDED`` while that app works. An app alone reads the environment. The contract's variables:

- ``SITE_NAV``: JSON list of ``[label, url]`` for the common header (from the composite).
- ``SITE_STYLESHEET``: URL of the site-wide stylesheet, if any.
- ``SITE_ICON``: URL of the site's icon, if any.
- ``SITE_SCRIPT``: URL of the site-wide script every page loads in ``<head>``, synchronously
  (light or dark before the first paint, the header's theme toggle, Ctrl/Cmd+Enter sending a form), if any.
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

import contextlib
import contextvars

import httpx

from apps import environment as env

IN_PROCESS_CLIENT = "composite.http_client"  # the WSGI environ key the composite fills
DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=1.0)
APP_FETCH_HEADER = "X-Composite-Fetch"  # value: the fetching app's name, e.g. "diffviewer"
DEVELOPMENT_HOSTS = ("localhost", "127.0.0.1", "[::1]")
APPS = ("snippets", "highlighter", "diffviewer")


def links(value):
    return tuple((str(label), str(url)) for label, url in value)


DEBUG = env.Boolean("DEBUG", False)
ALLOWED_HOSTS = env.Words("ALLOWED_HOSTS", expected="host names, comma-separated")
SITE_NAV = env.Json("SITE_NAV", (), check=links, expected="a JSON list of [label, url] pairs")
SITE_STYLESHEET = env.Text("SITE_STYLESHEET", None)
SITE_ICON = env.Text("SITE_ICON", None)
SITE_SCRIPT = env.Text("SITE_SCRIPT", None)
SITE_HOME = env.Text("SITE_HOME", None)
SERVICE_URLS = {app: env.Text(f"{app.upper()}_URL", None) for app in APPS}  # where each app lives
HANDED_OVER = (SITE_NAV, SITE_STYLESHEET, SITE_ICON, SITE_SCRIPT, SITE_HOME, *SERVICE_URLS.values())
HANDED = contextvars.ContextVar("sitewide.handed", default={})  # set by the composite per request


def hand_over(values):
    """The composite's values for the contract's variables, by name (``SITE_NAV``,
    ``HIGHLIGHTER_URL``…), checked; the composite puts them in ``HANDED`` for each request it
    serves (its apps see them, an app alone does not). A variable set in the environment wins."""
    settings = {setting.name: setting for setting in HANDED_OVER}
    return {name: settings[name].coerce(value) for name, value in values.items()}


@contextlib.contextmanager
def handing(site):
    """While the block runs (an app's factory), ``site``'s values are the contract's."""
    token = HANDED.set(hand_over(site) if site is not None else HANDED.get())
    try:
        yield
    finally:
        HANDED.reset(token)


def handed_over(app, site):
    """``app`` (WSGI) seeing ``site``'s values whenever it runs; ``app`` itself when ``site`` is None."""
    return app if site is None else HandOver(app, hand_over(site))


class HandOver:
    """WSGI middleware: whenever the app runs for a request (its call, and each piece of a
    streamed body), it finds ``values`` in ``HANDED``. Other apps in the same process keep theirs."""

    def __init__(self, app, values):
        self.app, self.values = app, values

    def __call__(self, environ, start_response):
        return HandedBody(self.values, lambda: self.app(environ, start_response))


class HandedBody:
    """A response body produced, piece by piece, with the handed-over values in place."""

    def __init__(self, values, call):
        self.values = values
        self.body = self.within(call)

    def within(self, step):
        token = HANDED.set(self.values)
        try:
            return step()
        finally:
            HANDED.reset(token)

    def __iter__(self):
        pieces = iter(self.body)
        while True:
            try:
                yield self.within(lambda: next(pieces))
            except StopIteration:
                return

    def close(self):
        if hasattr(self.body, "close"):
            self.within(self.body.close)


def check_environment():
    """Read every variable of the contract once, so a malformed one stops an app at start-up
    (``ConfigError``) rather than failing its first page. Each app's factory calls it."""
    for setting in (DEBUG, ALLOWED_HOSTS, *HANDED_OVER):
        setting.read()


def contract(setting):
    """A contract variable's value: the environment's, else the composite's, else the default."""
    return setting.read() if setting.is_set() else HANDED.get().get(setting.name, setting.default)


def debug():
    return DEBUG.read()


def allowed_hosts():
    """Host names the site answers to: ``ALLOWED_HOSTS``, else the loopback names in DEBUG.

    Django's syntax, shared by every app: ``example.com``, ``.example.com`` (and its
    subdomains), ``*`` (any; only for a site behind a proxy that checks Host itself).
    Empty when nothing is configured outside DEBUG: such a site answers no Host at all.
    """
    hosts = ALLOWED_HOSTS.read()
    if not hosts:
        return list(DEVELOPMENT_HOSTS) if debug() else []
    return list(hosts)


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


def content_security_policy(framable=False, form_targets=(), remote_images=False):
    """The Content-Security-Policy every app's HTML starts from.

    Scripts and styles come only from the site itself (no inline script anywhere);
    inline ``style`` attributes are allowed, since Pygments' inline-styled output uses
    them. ``framable`` pages (embeds) may be framed by any origin; every other page by
    none. ``form_targets`` are further origins forms may post to (another app deployed
    apart, at its own origin). ``remote_images``: images from any ``https:`` origin too (a
    page showing a rendered Markdown file, whose images the writer links from elsewhere;
    the site sends no referrer, but the image's host sees the reader's address).
    """
    forms = " ".join(("'self'",) + tuple(form_targets))
    ancestors = "*" if framable else "'none'"
    images = "'self' data: https:" if remote_images else "'self' data:"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src {images}; object-src 'none'; base-uri 'none'; "
        f"form-action {forms}; frame-ancestors {ancestors}"
    )


def form_origins():
    """Origins of the other apps when deployed apart (for ``form-action``)."""
    origins = []
    for name in APPS:
        url = service_url(name) or ""
        if url.startswith(("http://", "https://")):
            scheme, _, rest = url.partition("://")
            origins.append(f"{scheme}://{rest.split('/', 1)[0]}")
    return tuple(dict.fromkeys(origins))


def nav_links():
    return list(contract(SITE_NAV))


def stylesheet():
    return contract(SITE_STYLESHEET) or None


def icon():
    return contract(SITE_ICON) or None


FAVICON_CACHE = "public, max-age=86400"


def favicon_answer():
    """What an app answers for ``/favicon.ico`` (browsers ask for it on pages that name no icon:
    raw text, JSON): ``(status, headers)``, a permanent redirect to the site's icon, or, for an
    app alone without one, 204 (no icon, and no 404 in the log). In the composite the root's
    ``/favicon.ico`` is answered before any app (``composite.static``)."""
    url = icon()
    if url:
        return 301, {"Location": url, "Cache-Control": FAVICON_CACHE}
    return 204, {"Cache-Control": FAVICON_CACHE}


def script():
    return contract(SITE_SCRIPT) or None


def home_url():
    return contract(SITE_HOME) or None


def page_context():
    """What every app's page frame needs to look like one site, as template variables."""
    return {
        "site_nav": nav_links(),
        "site_stylesheet": stylesheet(),
        "site_icon": icon(),
        "site_script": script(),
        "site_home": home_url(),
    }


def service_url(name):
    """The configured base URL of another app, without a trailing slash (None if unset)."""
    url = contract(SERVICE_URLS[name.lower()])
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
