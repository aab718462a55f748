"""The Procfile, run for real: release migrates, web serves every app through gunicorn."""

import re

import httpx
import pytest

from tests import servers

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    data = tmp_path_factory.mktemp("procfile")
    env = servers.site_environment(data)
    servers.migrate(env)  # the release: line
    port = servers.free_port()
    with servers.running(servers.procfile_command("web"), env, port, data / "gunicorn.log"):
        yield f"http://127.0.0.1:{port}", data


def test_each_app_answers_through_gunicorn(web):
    base, _ = web
    with httpx.Client(base_url=base, timeout=10) as http:
        assert "New snippet" in http.get("/").text
        assert "Highlighter playground" in http.get("/highlight/").text
        assert "Compare two texts" in http.get("/diff/").text
        health = http.get("/healthz")
        assert health.status_code == 200, health.text
        assert health.json()["status"] == "ok"


def test_static_files_were_collected_at_start_up_and_are_served(web):
    base, data = web
    assert (data / "static" / "snippets").is_dir()
    with httpx.Client(base_url=base, timeout=10) as http:
        page = http.get("/admin/login/").text
        css = re.search(r'href="(/static/admin/css/base\.[0-9a-f]+\.css)"', page).group(1)
        response = http.get(css, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert "immutable" in response.headers["Cache-Control"]
        assert http.get("/highlight/static/playground.js").status_code == 200


def test_a_snippet_round_trip_through_gunicorn_is_highlighted_in_process(web):
    """The paste page calls the highlighter through the in-process client: no deadlock."""
    base, _ = web
    with httpx.Client(base_url=base, timeout=10, follow_redirects=False) as http:
        form = http.get("/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        created = http.post("/", data={"content": "import os\n", "lexer": "python", "csrfmiddlewaretoken": token})
        assert created.status_code == 302, created.text[:500]
        page = http.get(created.headers["Location"])
        assert '<span class="kn">import</span>' in page.text
        assert http.get(created.headers["Location"] + "/raw").text == "import os\n"


def test_the_access_log_goes_to_stdout(web):
    _, data = web
    assert '"GET /healthz HTTP/1.1" 200' in (data / "gunicorn.log").read_text()


@pytest.mark.parametrize("variable", ["SNIPPETS_PREFIX", "SITE_PREFIX"])
def test_the_paste_site_under_a_prefix_through_gunicorn(tmp_path, variable):
    """The prefix reaches Django in gunicorn's master, before it collects the static files and
    forks the workers (``SITE_PREFIX`` is the deprecated name of ``SNIPPETS_PREFIX``)."""
    env = servers.site_environment(tmp_path, **{variable: "/paste"})
    servers.migrate(env)
    port = servers.free_port()
    with servers.running(servers.procfile_command("web"), env, port, tmp_path / "gunicorn.log"), \
            httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
        page = http.get("/paste/")
        css = re.search(r'href="(/paste/static/snippets/snippets\.[0-9a-f]+\.css)"', page.text).group(1)
        assert http.get(css).status_code == 200
        assert "Path=/paste/" in page.headers["Set-Cookie"]
        assert http.get("/").headers["Location"] == "/paste/"
