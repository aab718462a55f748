"""What the service offers: installed lexers and styles, our formats, and style CSS.

These read Pygments' registries, never client content, so they are safe to call in
the web process. Lists are built once and copied on each call.
"""

import functools
import re

from pygments.formatters import HtmlFormatter
from pygments.lexers import get_all_lexers
from pygments.styles import get_all_styles, get_style_by_name

from .errors import HighlightError, shorten
from .formats import FORMATS
from .options import HTML_OPTIONS, LEXER_OPTIONS
from .request import check_style

# Class, id and element selectors, descendant/child combinators and selector lists:
# nothing that can end a rule or a <style> element ({ } ; < / \ @ quotes).
SELECTOR = re.compile(r"[A-Za-z0-9_.#:>, -]{1,100}")


def list_lexers() -> list[dict]:
    """Every installed lexer: ``{"name", "aliases", "filenames", "mimetypes"}``, by name."""
    return [dict(entry, aliases=list(entry["aliases"]), filenames=list(entry["filenames"]),
                 mimetypes=list(entry["mimetypes"])) for entry in _lexers()]


@functools.cache
def _lexers() -> tuple:
    return tuple(
        {"name": name, "aliases": aliases, "filenames": filenames, "mimetypes": mimetypes}
        for name, aliases, filenames, mimetypes in sorted(
            get_all_lexers(plugins=True), key=lambda entry: entry[0].lower()
        )
    )


def list_styles() -> list[dict]:
    """Every installed style: ``{"name", "background_color", "highlight_color"}``, by name."""
    return [dict(entry) for entry in _styles()]


@functools.cache
def _styles() -> tuple:
    entries = []
    for name in sorted(get_all_styles()):
        style = get_style_by_name(name)
        entries.append({"name": name, "background_color": style.background_color,
                        "highlight_color": style.highlight_color})
    return tuple(entries)


def list_formatters() -> list[dict]:
    """The formats we offer: ``{"name", "aliases", "description", "media_type", "options"}``.

    ``options`` lists the option names that format accepts.
    """
    return [
        {
            "name": f.name,
            "aliases": list(f.aliases),
            "description": f.description,
            "media_type": f.media_type,
            "options": sorted({**LEXER_OPTIONS, **(HTML_OPTIONS if f.name == "html" else {})}),
        }
        for f in FORMATS
    ]


def style_css(style: str = "default", selector: str = ".highlight") -> str:
    """The CSS for ``style`` with every rule scoped under ``selector``.

    Exactly ``HtmlFormatter(style=style).get_style_defs(selector)``. The selector is
    limited to a short, safe CSS selector (``invalid_option`` otherwise), since it is
    copied into the stylesheet verbatim.
    """
    check_style(style if isinstance(style, str) else repr(style))
    if not isinstance(selector, str) or not SELECTOR.fullmatch(selector) or not selector.strip():
        raise HighlightError(
            "invalid_option",
            f"Invalid selector {shorten(selector)}: use up to 100 letters, digits, "
            "spaces and _ . # : > , -",
        )
    return HtmlFormatter(style=style).get_style_defs(selector)
