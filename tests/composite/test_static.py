"""Static files of all three apps, collected and compressed once, served by WhiteNoise."""

import gzip

import pytest
from werkzeug.test import Client

from composite import static
from composite.settings import CompositeSettings


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    from django.test import override_settings

    # override_settings, not setattr: the static files storage made by an earlier page must go.
    with pytest.MonkeyPatch.context() as patch, override_settings(STATIC_ROOT=str(root / "snippets")):
        patch.setenv("STATIC_ROOT", str(root))
        static.collect()
    return root


def test_collect_gathers_every_app_and_compresses(collected):
    assert (collected / "snippets" / "admin" / "css" / "base.css").exists()
    assert (collected / "highlight" / "playground.js").exists()
    assert (collected / "diff" / "diffviewer.css.gz").exists()
    assert (collected / "_site" / "site.css.gz").exists()


def test_collected_files_are_served_compressed_when_the_browser_accepts_it(collected, monkeypatch):
    monkeypatch.setenv("STATIC_ROOT", str(collected))

    def nothing(environ, start_response):
        start_response("404 Not Found", [])
        return []

    client = Client(static.serve(nothing, CompositeSettings()))
    with client.get("/diff/static/diffviewer.css", headers={"Accept-Encoding": "gzip"}) as response:
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "gzip"
        assert b"table.diff" in gzip.decompress(response.data)
    with client.get("/static/admin/css/base.css") as admin:
        assert admin.status_code == 200
