"""Which app answers which URL. This is the whole site's map.

    /healthz             composite  every app's health, as JSON
    {SITE_PREFIX}/       snippets   the Django paste site (default: the root)
    {HIGHLIGHT_PREFIX}/  highlighter  the Flask Pygments service (default: /highlight)
    {DIFF_PREFIX}/       diffviewer   the Werkzeug + Genshi diff viewer (default: /diff)

The apps know nothing of each other: each learns the others' public URLs from environment
variables that the composition sets here (``HIGHLIGHTER_URL``, ``DIFFVIEWER_URL``,
``SNIPPETS_URL``, plain paths when co-mounted), and calls them over HTTP.
"""

import json
import os

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.utils import redirect


def announce_site(settings):
    """Tell every app, through the environment, where the others live and how the site looks.

    Must run before the apps are imported: Django reads its mount prefix at settings time.
    """
    urls = {
        "SNIPPETS_URL": settings.site_prefix or "/",
        "HIGHLIGHTER_URL": settings.highlight_prefix,
        "DIFFVIEWER_URL": settings.diff_prefix,
    }
    os.environ.update(urls)
    os.environ["SNIPPETS_PREFIX"] = settings.site_prefix
    os.environ["SITE_NAV"] = json.dumps(
        [
            ["Paste", settings.site_prefix + "/"],
            ["Highlight", settings.highlight_prefix + "/"],
            ["Diff", settings.diff_prefix + "/"],
        ]
    )
    os.environ["SITE_STYLESHEET"] = "/_site/site.css"


def mount_apps(settings):
    """The dispatcher: each prefix to the app that answers it."""
    # Imported here, after announce_site(): Django reads its prefix when it is set up.
    from apps.diffviewer import create_app as create_diffviewer
    from apps.highlighter import create_app as create_highlighter
    from apps.snippets.wsgi import application as snippets

    mounts = {
        settings.highlight_prefix: create_highlighter({"APPLICATION_ROOT": settings.highlight_prefix}),
        settings.diff_prefix: create_diffviewer(),
    }
    if settings.site_prefix:
        mounts[settings.site_prefix] = snippets
        root = redirect_to(settings.site_prefix + "/")
    else:
        root = snippets
    return DispatcherMiddleware(root, {prefix: with_slash(app) for prefix, app in mounts.items()})


def with_slash(app):
    """Send a visitor of the bare mount point (``/highlight``) to its root (``/highlight/``).

    Without this each framework treats the empty path its own way: Flask redirects,
    Django silently serves ``/``, so relative links and cookie paths disagree.
    """

    def wrapped(environ, start_response):
        if environ.get("PATH_INFO", "") == "":
            location = environ.get("SCRIPT_NAME", "") + "/"
            if environ.get("QUERY_STRING"):
                location += "?" + environ["QUERY_STRING"]
            code = 301 if environ["REQUEST_METHOD"] in ("GET", "HEAD") else 308
            return redirect(location, code)(environ, start_response)
        return app(environ, start_response)

    return wrapped


def redirect_to(location):
    """A tiny WSGI app for the root when the paste site is mounted elsewhere."""

    def app(environ, start_response):
        return redirect(location, 302)(environ, start_response)

    return app
