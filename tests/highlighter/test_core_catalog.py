"""Catalogues (lexers, styles, formats), style CSS and cache keys."""

import pygments
import pytest
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_all_lexers
from pygments.styles import get_all_styles

from apps.highlighter import core
from apps.highlighter.core import (
    PYGMENTS_VERSION,
    HighlightError,
    HighlightRequest,
    cache_key,
    list_formatters,
    list_lexers,
    list_styles,
    style_css,
)


def test_list_lexers_has_every_installed_lexer():
    lexers = list_lexers()
    assert len(lexers) == len(list(get_all_lexers()))
    python = next(entry for entry in lexers if entry["name"] == "Python")
    assert {"python", "py"} <= set(python["aliases"])
    assert "*.py" in python["filenames"] and "text/x-python" in python["mimetypes"]


def test_lists_are_copies():
    list_lexers()[0]["aliases"].append("mine")
    list_styles()[0]["name"] = "mine"
    assert "mine" not in list_lexers()[0]["aliases"] and list_styles()[0]["name"] != "mine"


def test_list_styles_has_every_installed_style():
    styles = list_styles()
    assert [entry["name"] for entry in styles] == sorted(get_all_styles())
    monokai = next(entry for entry in styles if entry["name"] == "monokai")
    assert monokai["background_color"] == "#272822"


def test_list_formatters_names_our_formats_and_their_options():
    formats = {entry["name"]: entry for entry in list_formatters()}
    assert {"html", "tokens", "ansi", "terminal"} <= set(formats)
    assert not {"img", "png", "gif", "jpg", "bmp", "raw"} & set(formats)
    assert "terminal256" in formats["ansi"]["aliases"]
    assert formats["tokens"]["media_type"] == "application/json"
    assert "linenos" in formats["html"]["options"] and "linenos" not in formats["ansi"]["options"]
    assert all(entry["description"] for entry in formats.values())


def test_style_css_is_pygments_style_defs():
    assert style_css("monokai") == HtmlFormatter(style="monokai").get_style_defs(".highlight")
    assert style_css("default", "#paste .code") == HtmlFormatter().get_style_defs(
        "#paste .code")


@pytest.mark.parametrize("selector", [
    "", "   ", "a{", "}", "a;b", "</style><script>", "a/*", "a\\b", "@import", '"x"',
    "a" * 101, 5,
])
def test_style_css_refuses_unsafe_selectors(selector):
    with pytest.raises(HighlightError) as info:
        style_css("default", selector)
    assert info.value.code == "invalid_option"


def test_style_css_refuses_unknown_styles():
    with pytest.raises(HighlightError) as info:
        style_css("no-such-style")
    assert info.value.code == "unknown_style"


# Cache keys


def key(**fields):
    return cache_key({"code": "x = 1\n", **fields})


def test_cache_key_is_a_stable_hex_digest():
    assert key() == key() and len(key()) == 64 and int(key(), 16) >= 0


def test_requests_that_mean_the_same_share_a_key():
    assert key(lexer="py") == key(lexer="Python", format="html", style="default", options={})
    assert key(lexer="py") == cache_key(HighlightRequest.from_fields(
        {"code": "x = 1\n", "lexer": "python3"}))


@pytest.mark.parametrize("change", [
    {"code": "x = 2\n"}, {"lexer": "c"}, {"style": "monokai"}, {"format": "tokens"},
    {"options": {"linenos": "table"}}, {"filename": "a.py"}, {"guess": True},
])
def test_anything_that_changes_the_output_changes_the_key(change):
    assert cache_key({"code": "x = 1\n", **change}) != key()


def test_the_key_includes_the_pygments_version(monkeypatch):
    before = key()
    monkeypatch.setattr(core.cache, "PYGMENTS_VERSION", "0.0")
    assert key() != before
    assert PYGMENTS_VERSION == pygments.__version__


def test_invalid_fields_have_no_key():
    with pytest.raises(HighlightError):
        key(options={"cssfile": "/etc/passwd"})

