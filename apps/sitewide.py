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

Imports no web framework and no app.
"""

import json
import os

import httpx

IN_PROCESS_CLIENT = "composite.http_client"  # the WSGI environ key the composite fills
DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=1.0)


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


def site_client(environ):
    """An httpx client onto the whole site in this process (co-mounted only), else None.

    Relative URLs are site paths: ``client.get("/s/abc/raw")``. No socket is opened.
    """
    factory = environ.get(IN_PROCESS_CLIENT) if environ else None
    return factory() if factory is not None else None


def service_client(name, environ, timeout=DEFAULT_TIMEOUT):
    """An httpx client whose relative URLs reach app ``name``, or None when it is nowhere.

    Use as a context manager. ``client.get("/api/lexers")`` hits that app's own route.
    """
    base = service_url(name)
    if base is None:
        return None
    if base.startswith(("http://", "https://")):
        return httpx.Client(base_url=base, timeout=timeout)
    client = site_client(environ)
    if client is None:
        return None  # a path, but we are not inside the composite: nowhere to send it
    client.base_url = str(client.base_url).rstrip("/") + base
    return client
