"""Pages for people: the playground (its JavaScript calls the JSON API)."""

from flask import Blueprint, render_template

from apps.highlighter import core

blueprint = Blueprint("pages", __name__)

PREVIEW_SELECTOR = "#preview .highlight"


@blueprint.get("/")
def playground():
    return render_template(
        "playground.html",
        lexers=core.list_lexers(),
        styles=[style["name"] for style in core.list_styles()],
        preview_selector=PREVIEW_SELECTOR,
    )
