"""Pages for people: the playground."""

from flask import Blueprint, render_template

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
def playground():
    return render_template("playground.html")
