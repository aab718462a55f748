"""The JSON API: HTTP in, ``apps.highlighter.core`` calls, JSON out."""

from flask import Blueprint, current_app, jsonify, request

from apps.highlighter import core

blueprint = Blueprint("api", __name__, url_prefix="/api")


def highlighter():
    """The app's pool of highlighter processes, made on first use (after any fork)."""
    pool = current_app.extensions.get("highlighter")
    if pool is None:
        pool = core.Highlighter(
            workers=current_app.config["HIGHLIGHT_WORKERS"],
            timeout=current_app.config["HIGHLIGHT_TIMEOUT"],
        )
        current_app.extensions["highlighter"] = pool
    return pool


@blueprint.post("/highlight")
def highlight():
    fields = request.get_json(silent=True)
    if not isinstance(fields, dict):
        raise core.HighlightError("bad_request", "The body must be a JSON object.", 400)
    result = highlighter().highlight(core.HighlightRequest.from_fields(fields))
    return jsonify(result)


@blueprint.errorhandler(core.HighlightError)
def highlight_error(error):
    return jsonify(error={"code": error.code, "message": error.message}), error.status
