"""``/styles/<style>.css``: a Pygments style as CSS, scoped under ``?selector=`` (``.highlight``).

The CSS only changes with Pygments, so it is cached for a week by browsers and proxies
(not a year: the URL carries no version, and a Pygments upgrade may change a style), and
revalidated with its ETag after that.
"""

import functools
import hashlib

from flask import Blueprint, request

from apps.highlighter import core, http

blueprint = Blueprint("stylesheets", __name__)

CACHE_CONTROL = "public, max-age=604800"


@functools.lru_cache(maxsize=256)
def stylesheet(style, selector):
    css = core.style_css(style, selector).encode()
    return css, hashlib.sha256(css).hexdigest()[:40]


@blueprint.get("/styles/<style>.css")
def style_css(style):
    css, etag = stylesheet(style, request.args.get("selector", ".highlight"))
    return http.conditional_response(css, etag, "text/css", CACHE_CONTROL)
