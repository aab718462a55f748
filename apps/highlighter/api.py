"""The JSON API: HTTP in, ``apps.highlighter.core`` calls, JSON out.

A highlight's ETag is derived from the checked request and the Pygments version
(``core.cache_key``), so it is known before any highlighting: ``If-None-Match`` with it
gets 304 at once, for POST too (RFC 9110 reserves 304 for GET/HEAD; this API answers it
for POST on purpose, since the POST body is the resource's identity here). Successful
results are cached as the exact JSON bytes sent (see ``results``); a hit costs parsing,
validation, one hash and a lookup, never a worker round trip.

A request sent with ``Cache-Control: no-store`` (the paste site's burn-after-reading
snippets) is neither looked up nor stored, and its answer says ``no-store`` too. Whether a
result came from the cache is not told to the public (``X-Cache`` would let anyone confirm
that someone highlighted a given text), unless ``HIGHLIGHT_CACHE_STATUS_HEADER`` is on.
"""

import hashlib
import json

from flask import Blueprint, current_app, request

from apps import textinput
from apps.highlighter import bodies, core, fastpath, http, openapi, pools
from apps.highlighter.core import batch
from apps.highlighter.core.errors import under_root

blueprint = Blueprint("api", __name__, url_prefix="/api")

CATALOG_CACHE = "public, max-age=86400"


def highlighter():
    """This process's pool for the app's settings (see ``pools``)."""
    config = current_app.config
    return pools.shared_pool(config["HIGHLIGHT_WORKERS"], config["HIGHLIGHT_TIMEOUT"])


def etag_for(key):
    return "hl-" + key[:40]  # fastpath writes the same


def checked_request(fields):
    return core.HighlightRequest.from_fields(
        fields, max_bytes=current_app.config["HIGHLIGHT_MAX_BYTES"],
        output_budget=current_app.extensions["highlighter.output_budget"])


def may_cache():
    """False when the client asked that nothing about this request be kept."""
    return not fastpath.forbids_storing(request.environ)


def result_body(highlight_request, key):
    """The JSON bytes of a highlight result, whether they came from the cache, and whether
    they are in it now."""
    cache = current_app.extensions["highlighter.results"]
    use_cache = may_cache()
    body = cache.get(key) if use_cache else None
    if body is not None:
        return body, True, True
    result = highlighter().highlight(highlight_request)  # raises HighlightError: nothing cached
    body = json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode()
    stored = cache.put(key, body) if use_cache else False
    return body, False, stored


def no_store(response):
    """``Cache-Control: no-store`` on the answer to a request that asked for it."""
    if not may_cache():
        response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post("/highlight")
def highlight():
    highlight_request = checked_request(bodies.read_fields())
    key = core.cache_key(highlight_request)
    etag = etag_for(key)
    if request.if_none_match.contains_weak(etag):
        response = current_app.response_class(status=304)
    else:
        body, hit, stored = result_body(highlight_request, key)
        response = current_app.response_class(body, mimetype="application/json")
        if current_app.config["HIGHLIGHT_CACHE_STATUS_HEADER"]:
            response.headers["X-Cache"] = "hit" if hit else "miss"  # for operators only
        if stored:
            request.environ[fastpath.ENVIRON_KEY] = key  # the fast path may answer a repeat
    response.set_etag(etag)
    return no_store(response)


@blueprint.post("/highlight/batch")
def highlight_batch():
    """Many highlights in one worker job (``core.batch``): per-item results or errors, in order."""
    if not (request.mimetype == "application/json" or request.mimetype.endswith("+json")):
        raise core.HighlightError("bad_request", 'Send the batch as application/json: {"items": [{"code": …}, …]}.')
    fields = bodies.json_fields(bodies.read_body())
    for item in fields.get("items") if isinstance(fields.get("items"), list) else ():
        if isinstance(item, dict) and isinstance(item.get("code"), str):
            item["code"] = textinput.without_bom(item["code"])
    items, output_limit = batch.checked_items(
        fields, max_bytes=current_app.config["HIGHLIGHT_MAX_BYTES"],
        output_budget=current_app.extensions["highlighter.output_budget"])
    results = highlighter().highlight_batch(items, output_limit)
    for result in results:
        if "error" in result:  # an item's error names the lists as the app's own paths
            result["error"]["message"] = under_root(result["error"]["message"], request.script_root)
    response = json_response({"results": results})
    response.headers["Cache-Control"] = "no-store"  # nothing of a batch is kept, here or on the way
    return response


@blueprint.post("/guess")
def guess():
    fields = bodies.read_fields()
    unknown = sorted(set(fields) - {"filename", "code"})
    if unknown:
        raise core.HighlightError("bad_request", f"Unknown field {unknown[0]!r}. Fields: filename, code.")
    filename, code = fields.get("filename"), fields.get("code")
    if filename is not None and not isinstance(filename, str):
        raise core.HighlightError("bad_request", "filename must be a string.")
    if code is not None:
        if not isinstance(code, str):
            raise core.HighlightError("bad_request", "code must be a string.")
        core.check_size(code, current_app.config["HIGHLIGHT_MAX_BYTES"])
    if not filename and not code:
        raise core.HighlightError("bad_request", "Send a filename, some code, or both.")
    return json_response(highlighter().guess(filename or None, code or None))


def json_response(data, status=200):
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return current_app.response_class(body, status=status, mimetype="application/json")


def catalog_response(make):
    """A list that only changes with the installed packages: bytes and ETag made once."""
    body, etag = _catalog(make)
    return http.conditional_response(body, etag, "application/json", CATALOG_CACHE)


_catalogs = {}


def _catalog(make):
    if make not in _catalogs:
        body = json.dumps(make(), ensure_ascii=False, separators=(",", ":")).encode()
        _catalogs[make] = body, hashlib.sha256(body).hexdigest()[:40]
    return _catalogs[make]


@blueprint.get("/lexers")
def lexers():
    return catalog_response(core.list_lexers)


@blueprint.get("/styles")
def styles():
    return catalog_response(core.list_styles)


@blueprint.get("/formatters")
def formatters():
    return catalog_response(core.list_formatters)


@blueprint.get("/openapi.json")
def openapi_json():
    response = json_response(openapi.spec(request.script_root))
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
