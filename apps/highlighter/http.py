"""What every response of the highlighter shares: JSON errors, CORS, version headers.

- Every error is ``{"error": {"code", "message"}}`` with its status, never an HTML page or
  a traceback: HighlightErrors from the core, Werkzeug's HTTP errors (404, 405, 413 ...)
  and, as ``internal_error``, anything unexpected (logged with its traceback). A path a
  message names (``See /api/lexers``) is given under the app's mount (``/highlight/api/lexers``).
- CORS for ``/api/`` and ``/styles/`` (``HIGHLIGHT_CORS_ORIGINS``: ``*``, a comma-separated list of origins, or empty for
  none) is a few headers, written here by hand rather than adding flask-cors: the API takes
  no cookies or credentials, so a simple allow-list is all it needs. Preflight
  ``OPTIONS`` requests are answered 204 before routing.
- ``X-Highlighter-Version`` tells clients (the paste site caches on it) when output may change.
- Every answer is ``nosniff``; every HTML answer (the playground, the legacy fragment)
  carries the site's one Content-Security-Policy (``sitewide.content_security_policy``:
  no inline script, framed by no one), so highlighted text shown as a page cannot run.
"""

from flask import current_app, jsonify, request
from werkzeug.exceptions import HTTPException, PreconditionFailed

from apps import errorcodes, sitewide
from apps.highlighter import core
from apps.highlighter.core.errors import under_root

VERSION = f"{core.PYGMENTS_VERSION}+{core.OUTPUT_VERSION}"
ALLOW_METHODS = "GET, POST, OPTIONS"
ALLOW_HEADERS = "Content-Type, If-None-Match"
EXPOSE_HEADERS = "ETag, X-Cache, X-Highlighter-Version, Retry-After"
CORS_PATHS = ("/api/", "/styles/")  # the JSON API and stylesheets; not the pages


def init_app(app):
    origins = [o.strip().rstrip("/") for o in app.config["HIGHLIGHT_CORS_ORIGINS"].split(",") if o.strip()]
    app.extensions["highlighter.cors"] = "*" if "*" in origins else frozenset(origins)
    app.extensions["highlighter.csp"] = sitewide.content_security_policy(form_targets=sitewide.form_origins())
    app.before_request(preflight)
    app.after_request(common_headers)
    app.register_error_handler(core.HighlightError, highlight_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)


def error_response(code, message, status, headers=None):
    response = jsonify(errorcodes.error_body(code, message))
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    if headers:
        response.headers.update(headers)
    return response


def highlight_error(error):
    headers = {"Retry-After": "1"} if error.code == "busy" else None
    return error_response(error.code, under_root(error.message, request.script_root), error.status, headers)


def http_error(error):
    if error.code == 413:
        limit = current_app.config["HIGHLIGHT_MAX_BYTES"]
        message = (f"The request body is larger than this service reads "
                   f"({current_app.config['MAX_CONTENT_LENGTH']} bytes; code may be up to {limit} bytes).")
    elif error.code == 405:
        message = f"{request.method} is not allowed here; use {', '.join(error.valid_methods or [])}."
    elif error.code == 404:
        message = f"No such URL: {request.script_root}{request.path}. The API is described at {request.script_root}/api/openapi.json."
    else:
        message = error.description
    headers = {"Allow": ", ".join(error.valid_methods)} if error.code == 405 and error.valid_methods else None
    return error_response(errorcodes.for_status(error.code),
                          message, error.code, headers)


def unexpected_error(error):
    current_app.logger.exception("unexpected error on %s %s", request.method, request.path)
    return error_response("internal_error", "The highlighter failed unexpectedly; this is a bug.", 500)


def allowed_origin():
    """The value for Access-Control-Allow-Origin for this request, or None."""
    allowed = current_app.extensions["highlighter.cors"]
    origin = request.headers.get("Origin")
    if allowed == "*":
        return "*"
    if origin and origin.rstrip("/") in allowed:
        return origin
    return None


def preflight():
    if (request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers
            or not request.path.startswith(CORS_PATHS)):
        return None
    response = current_app.response_class(status=204)
    origin = allowed_origin()
    if origin:
        response.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
        response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def common_headers(response):
    response.headers["X-Highlighter-Version"] = VERSION
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = current_app.extensions["highlighter.csp"]
    origin = allowed_origin() if request.path.startswith(CORS_PATHS) else None
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
    if origin != "*" and request.path.startswith(CORS_PATHS):
        response.vary.add("Origin")
    return response


def conditional_response(body, etag, mimetype, cache_control):
    """``body`` with its ETag and caching headers, or 304 when the client has it already.

    Werkzeug's ``make_conditional`` decides, for GET and HEAD: If-None-Match compared weakly,
    lists and ``*``; a failed If-Match is 412, answered as JSON like every other error. The
    Date header it adds is dropped: the server (gunicorn) sends its own, and two would go out.
    """
    response = current_app.response_class(body, mimetype=mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache_control
    response.make_conditional(request)
    response.headers.pop("Date", None)
    if response.status_code == 412:
        raise PreconditionFailed()
    return response
