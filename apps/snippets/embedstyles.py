"""``/s/embed.css``: the one stylesheet of an embed (``embeds``), for a frame and for another
site's page alike: the embed's layout (``static/snippets/embed.css``) and the site's default
Pygments style from the highlighter, every rule under ``.composite-embed``.

One URL on the site's own origin, so that the frame's CSP needs only ``style-src 'self'`` and
a page that requires CORP of what it loads (COEP) may load it (``Cross-Origin-Resource-Policy:
cross-origin``). The style's CSS is asked of the highlighter once per highlighter version and
kept in the cache; while the highlighter cannot be reached the layout alone is answered, kept
a minute only.
"""

import functools
import hashlib
from pathlib import Path

import httpx
from django.apps import apps
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from apps import highlightclient, sitewide
from apps.snippets import catalog

LAYOUT = Path(__file__).resolve().parent / "static" / "snippets" / "embed.css"
SELECTOR = ".composite-embed .highlight"
CACHE_CONTROL = "public, max-age=86400"
SHORT_CACHE_CONTROL = "public, max-age=60"  # the style is missing: ask again soon


@require_safe
def stylesheet(request):
    style = style_css(request.META)
    css = (layout() + "\n" + (style or "")).encode()
    etag = '"' + hashlib.sha256(css).hexdigest()[:40] + '"'
    response = get_conditional_response(request, etag=etag) or HttpResponse(css, content_type="text/css; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL if style else SHORT_CACHE_CONTROL
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@functools.cache
def layout():
    return LAYOUT.read_text()


def style_css(environ):
    """The default style's CSS under ``SELECTOR``, or None when the highlighter cannot say."""
    config = apps.get_app_config("snippets")
    version = catalog.current(environ).version
    key = "snippets:embed-style:" + hashlib.sha256(f"{config.default_style}\0{version}".encode()).hexdigest()
    css = cache.get(key)
    if css is not None:
        return css
    client = sitewide.service_client("highlighter", environ,
                                     timeout=httpx.Timeout(config.highlight_timeout, connect=1.0))
    if client is None:
        return None
    try:
        with client:
            css = scoped(highlightclient.style_css(client, config.default_style, SELECTOR))
    except (highlightclient.Unavailable, highlightclient.Refused):
        return None
    cache.set(key, css, config.rendering_ttl)
    return css


def scoped(css):
    """Only the rules under ``SELECTOR``: Pygments adds a few for any ``pre`` and line-number
    table of the page (``pre { line-height: 125%; }``), which would restyle the page around."""
    return "".join(line for line in css.splitlines(keepends=True) if line.startswith(SELECTOR))
