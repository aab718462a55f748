"""Which app answers which URL. This is the whole site's map.

    /healthz             composite  every app's health, as JSON
    {SNIPPETS_PREFIX}/   snippets   the Django paste site (default: the root)
    {HIGHLIGHT_PREFIX}/  highlighter  the Flask Pygments service (default: /highlight)
    {DIFF_PREFIX}/       diffviewer   the Werkzeug + Genshi diff viewer (default: /diff)

The apps know nothing of each other. Each app's factory is handed its own configuration here
as arguments: its mount prefix, and ``site``, the shared contract (``apps.sitewide``: the
others' public URLs, ``HIGHLIGHTER_URL``, ``DIFFVIEWER_URL``, ``SNIPPETS_URL``, plain paths when
co-mounted, and the common header). Nothing is written to ``os.environ``;
each app alone reads the environment instead.

``MOUNT_APPS`` (default: all three) picks which apps this process serves, for a deployment
that runs some apart: ``MOUNT_APPS=snippets,diffviewer`` with ``HIGHLIGHTER_URL=http://…``
serves the paste site and the diff viewer here and reaches the highlighter's own service
(see docs/deployment.md). An app left out is not mounted at all: its prefix answers 404.
"""

from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.utils import redirect

from composite import static
from composite.settings import url_variable

NAV_LABELS = {"snippets": "Paste", "highlighter": "Highlight", "diffviewer": "Diff"}


def describe_site(settings):
    """What every app must know of the whole site, as the contract's variables (``apps.sitewide``):
    where the others live, the common header's links, stylesheet and icon."""
    urls = {app: prefix or "/" for app, prefix in settings.prefixes().items()}
    urls.update(settings.service_urls)  # the apps served elsewhere, at their own URLs
    nav = [(label, urls[app].rstrip("/") + "/") for app, label in NAV_LABELS.items() if app in urls]
    values = {url_variable(app): url for app, url in urls.items()}
    if "snippets" in urls:
        nav.append(("My snippets", urls["snippets"].rstrip("/") + "/mine"))
        values["SITE_HOME"] = urls["snippets"].rstrip("/") + "/"
    values.update(SITE_NAV=tuple(nav), SITE_STYLESHEET=static.SITE_STYLESHEET, SITE_ICON=static.SITE_ICON,
                  SITE_SCRIPT=static.SITE_SCRIPT)
    return values


def mount_apps(settings):
    """The dispatcher: each prefix to the app that answers it, each app given its configuration."""
    site = describe_site(settings)
    prefixes = settings.prefixes()
    mounts = {}
    if "highlighter" in prefixes:
        from apps.highlighter import create_app as create_highlighter

        mounts[settings.highlight_prefix] = create_highlighter(
            {"APPLICATION_ROOT": settings.highlight_prefix}, site=site)
    if "diffviewer" in prefixes:
        from apps.diffviewer import create_app as create_diffviewer

        mounts[settings.diff_prefix] = create_diffviewer(site=site)
    root = NotFound()  # only when the paste site is served elsewhere
    if "snippets" in prefixes:
        from apps.snippets.wsgi import create_app as create_snippets

        snippets = create_snippets(settings.snippets_prefix, site=site)
        if settings.snippets_prefix:
            mounts[settings.snippets_prefix] = snippets
            root = redirect_to(settings.snippets_prefix + "/")
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
