"""Static files for all three apps, served once, by WhiteNoise, in front of the dispatcher.

No app serves its own static files in production. ``collect()`` builds one directory:

    STATIC_ROOT/snippets/    the paste site's: Django's collectstatic (hashed names, compressed)
    STATIC_ROOT/highlight/   apps/highlighter/static, compressed
    STATIC_ROOT/diff/        apps/diffviewer/static, compressed
    STATIC_ROOT/_site/       composite/static (the site-wide look), compressed

and ``serve()`` maps each to its app's mount. Before ``collect()`` has run (development),
the apps' source folders are served directly so edits show at once.

Browsers ask for ``/favicon.ico`` on pages that name no icon (raw text, JSON, an image): it
is sent to the site's icon (``favicon_redirect``) rather than answered with a 404.
"""

import re
import shutil
from pathlib import Path

from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from apps import environment as env, sitewide

REPO = Path(__file__).resolve().parent.parent
SOURCES = {
    "highlight": REPO / "apps" / "highlighter" / "static",
    "diff": REPO / "apps" / "diffviewer" / "static",
    "_site": REPO / "composite" / "static",
}
SITE_URL = "/_site/"  # where composite/static is served
SITE_STYLESHEET = SITE_URL + "site.css"
SITE_ICON = SITE_URL + "favicon.svg"
SITE_SCRIPT = SITE_URL + "site.js"  # light or dark before the page is painted (see site.css), Ctrl/Cmd+Enter
STATIC_ROOT = env.Text("STATIC_ROOT", str(REPO / "staticfiles"))  # where collected files go (Django's too)
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")  # Django's manifest storage names


def is_immutable(path, url):
    """Files whose name carries their content hash can be cached forever."""
    return bool(HASHED_NAME.search(url))


def static_root():
    return Path(STATIC_ROOT.read())


def collect(verbosity=0, django=True):
    """Gather and compress every app's static files (run at build or start-up).

    ``django=False`` skips the paste site's (for a process that does not serve it, which
    then needs none of its settings).
    """
    if django:
        from django.core.management import call_command

        # The site's collectstatic (config/management) collects the other apps' files too.
        call_command("collectstatic", interactive=False, verbosity=verbosity)
    else:
        collect_apps()


def collect_apps():
    """Copy and compress the static files of the apps that are not Django's."""
    root = static_root()
    for name, source in SOURCES.items():
        target = root / name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)
        compress_tree(target)


def compress_tree(root):
    """Write a ``.gz`` beside every compressible file, as WhiteNoise's own CLI does."""
    compressor = Compressor(use_brotli=False, quiet=True)
    for path in sorted(root.rglob("*")):
        if path.is_file() and compressor.should_compress(path.name):
            compressor.compress(str(path))


def serve(app, settings):
    """Wrap ``app`` so that each app's static URL is answered from disk."""
    root = static_root()
    static = WhiteNoise(app, max_age=3600, autorefresh=settings.debug, immutable_file_test=is_immutable)
    folders = {"snippets": "snippets", "highlighter": "highlight", "diffviewer": "diff"}
    mounts = {folders[app]: prefix + "/static/" for app, prefix in settings.prefixes().items()}
    mounts["_site"] = SITE_URL
    for name, url in mounts.items():
        collected = root / name
        source = collected if collected.is_dir() else SOURCES.get(name)
        if source is not None and source.is_dir():
            static.add_files(str(source), prefix=url)
    return favicon_redirect(static)


def favicon_redirect(app):
    """``/favicon.ico`` -> a permanent redirect to the site's icon (an SVG, which browsers
    follow and show); every other path goes on to ``app``."""

    def wrapped(environ, start_response):
        if environ.get("PATH_INFO") == "/favicon.ico" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            location = environ.get("SCRIPT_NAME", "") + SITE_ICON
            start_response("301 Moved Permanently", [
                ("Location", location), ("Cache-Control", sitewide.FAVICON_CACHE), ("Content-Length", "0")])
            return [b""]
        return app(environ, start_response)

    return wrapped
