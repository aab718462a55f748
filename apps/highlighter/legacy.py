"""``POST /`` with form fields ``lang`` and ``code``: the pygments.appspot.com API.

Old Ruby and PHP clients post a form and read the HTML fragment from the body. Same
limits (the output budget too), pool and cache as ``/api/highlight``, the same
``Cache-Control: no-store`` rule, and the CSP of every HTML answer here; errors are JSON like every other error here
(an unknown ``lang`` is ``unknown_lexer`` 400, where appspot answered 500).
"""

import json

from flask import Blueprint, current_app

from apps.highlighter import api, bodies, core

blueprint = Blueprint("legacy", __name__)


@blueprint.post("/")
def highlight_form():
    fields = bodies.read_fields()
    unknown = sorted(set(fields) - {"lang", "code", "filename"})  # filename: of an uploaded code file
    if unknown:
        raise core.HighlightError("bad_request", f"Unknown field {unknown[0]!r}; this API takes lang and code.")
    if not fields.get("lang"):
        raise core.HighlightError("bad_request", "lang is required: a lexer name or alias (see /api/lexers).")
    highlight_request = api.checked_request({"code": fields.get("code"), "lexer": fields["lang"]})
    body, _, _ = api.result_body(highlight_request, core.cache_key(highlight_request))
    return api.no_store(current_app.response_class(json.loads(body)["output"], mimetype="text/html"))
