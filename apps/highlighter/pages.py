"""Pages for people: the playground (its JavaScript calls the JSON API)."""

from flask import Blueprint, render_template

from apps import sitewide
from apps.highlighter import core

blueprint = Blueprint("pages", __name__)

PREVIEW_SELECTOR = "#preview .highlight"
# The preview's style in dark mode (site.css: "dark" on <html>) until the visitor picks one.
DARK_STYLE = "monokai"


@blueprint.get("/")
def playground():
    return render_template(
        "playground.html",
        lexers=core.list_lexers(),
        styles=[style["name"] for style in core.list_styles()],
        preview_selector=PREVIEW_SELECTOR,
        dark_style=DARK_STYLE,
    )


@blueprint.get("/favicon.ico")
def favicon():
    """Alone, the highlighter's raw answers (JSON, CSS) make browsers ask for this."""
    status, headers = sitewide.favicon_answer()
    return "", status, headers
