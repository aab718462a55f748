"""The playground page, its static files, settings, and the absence of cookies."""

import re

import pytest

from apps.environment import ConfigError
from apps.highlighter import create_app, settings_from_env


def test_the_playground_offers_lexers_styles_and_options(api):
    response = api.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'data-api="' + api.prefix + '/api/highlight"' in page
    assert '<option value="" selected>Auto-detect</option>' in page  # as the paste form: the code decides
    assert '<option value="python">Python</option>' in page
    assert "<option>monokai</option>" in page
    for name in ("linenos", "hl_lines", "noclasses", "linenostart"):
        assert f'name="{name}"' in page
    assets = [href for href in re.findall(r'(?:href|src)="([^"]+)"', page)
              if href.startswith((api.prefix + "/static/", api.prefix + "/styles/"))]
    assert len(assets) == 4  # its CSS, the default style, the dark default (dark mode only), its script
    for href in assets:
        with api.client.get(href.replace("&amp;", "&")) as asset:
            assert asset.status_code == 200, href


def test_the_static_files_are_served_under_the_mount(api):
    with api.client.get(api.prefix + "/static/playground.js") as response:
        assert response.status_code == 200
        assert "textContent" in response.get_data(as_text=True)


def test_the_bare_mount_point_redirects_to_the_playground(client):
    response = client.get("/highlight")
    assert response.status_code == 301 and response.headers["Location"].endswith("/highlight/")


def test_no_response_sets_a_cookie(api):
    responses = [api.get("/"), api.post("/api/highlight", json={"code": "x"}), api.post("/", data={"lang": "c", "code": "x"}),
                 api.get("/api/lexers"), api.get("/nope"), api.get("/styles/default.css")]
    assert [r.headers.get("Set-Cookie") for r in responses] == [None] * len(responses)


def test_a_session_cookie_if_ever_used_is_named_and_scoped_to_the_mount():
    app = create_app({"APPLICATION_ROOT": "/highlight", "SECRET_KEY": "test"})

    @app.get("/set")
    def set_session():
        from flask import session

        session["x"] = 1
        return "ok"

    response = app.test_client().get("/set", environ_overrides={"SCRIPT_NAME": "/highlight"})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("highlighter_session=") and "Path=/highlight" in cookie


def test_settings_come_from_the_environment_typed():
    assert settings_from_env({"HIGHLIGHT_TIMEOUT": "1.5", "HIGHLIGHT_WORKERS": "3"}) == {
        "HIGHLIGHT_TIMEOUT": 1.5, "HIGHLIGHT_WORKERS": 3}
    with pytest.raises(ConfigError, match="HIGHLIGHT_WORKERS"):
        settings_from_env({"HIGHLIGHT_WORKERS": "many"})
    with pytest.raises(ConfigError, match="HIGHLIGHT_TIMEOUT"):
        create_app({"HIGHLIGHT_TIMEOUT": 0.0})
