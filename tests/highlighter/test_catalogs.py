"""GET /api/lexers, /api/styles, /api/formatters, /api/guess and /styles/<style>.css."""

from pygments.formatters import HtmlFormatter
from pygments.lexers import get_all_lexers
from pygments.styles import get_all_styles


def test_every_installed_lexer_is_listed_with_its_names_patterns_and_mimetypes(api):
    response = api.get("/api/lexers")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert {entry["name"] for entry in response.json} == {name for name, *_ in get_all_lexers(plugins=True)}
    python = next(entry for entry in response.json if entry["name"] == "Python")
    assert "py" in python["aliases"] and "*.py" in python["filenames"] and "text/x-python" in python["mimetypes"]


def test_every_installed_style_is_listed(api):
    assert {entry["name"] for entry in api.get("/api/styles").json} == set(get_all_styles())


def test_formatters_list_the_formats_and_their_options(api):
    formats = {entry["name"]: entry for entry in api.get("/api/formatters").json}
    assert {"html", "tokens", "ansi"} <= set(formats)
    assert "linenos" in formats["html"]["options"] and "linenos" not in formats["ansi"]["options"]


def test_catalogs_are_cacheable_and_revalidate(api):
    response = api.get("/api/lexers")
    assert "max-age" in response.headers["Cache-Control"]
    assert api.get("/api/lexers", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_guess_says_which_lexer_and_how(api):
    by_name = api.post("/api/guess", json={"filename": "Makefile"})
    assert by_name.json == {"lexer": {"name": "Makefile", "alias": "make"}, "method": "filename", "guessed": True,
                            "rule": "filename", "confidence": 1.0,
                            "candidates": [{"lexer": "make", "name": "Makefile", "score": 1.0}]}
    by_content = api.post("/api/guess", data={"code": "<?php echo 1; ?>"})
    assert "php" in by_content.json["lexer"]["alias"] and by_content.json["method"] == "content"
    nothing = api.post("/api/guess", json={"code": "just some words"})
    assert nothing.json["method"] in ("default", "content")


def test_a_stylesheet_is_pygments_css_with_a_long_cache(api):
    response = api.get("/styles/monokai.css?selector=.highlight")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert response.get_data(as_text=True) == HtmlFormatter(style="monokai").get_style_defs(".highlight")
    assert "max-age=604800" in response.headers["Cache-Control"]
    assert api.get("/styles/monokai.css", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    scoped = api.get("/styles/default.css", query_string={"selector": "#preview .code"}).get_data(as_text=True)
    assert scoped == HtmlFormatter().get_style_defs("#preview .code")


def test_a_stylesheet_refuses_unknown_styles_and_unsafe_selectors(api):
    unknown = api.get("/styles/nope.css")
    assert unknown.status_code == 400 and unknown.json["error"]["code"] == "unknown_style"
    unsafe = api.get("/styles/default.css", query_string={"selector": "x{} </style><script>"})
    assert unsafe.status_code == 400 and unsafe.json["error"]["code"] == "invalid_option"
