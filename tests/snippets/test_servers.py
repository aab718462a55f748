"""The paste site under the Procfile's real gunicorn: concurrent writers on one SQLite
file, and a database that cannot be reached."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests import servers

pytestmark = pytest.mark.server


def test_concurrent_creates_on_sqlite_all_succeed(tmp_path):
    """Two workers × four threads, 48 creates from 12 clients at once: no "database is locked"."""
    env = servers.site_environment(tmp_path, WEB_CONCURRENCY="2", WEB_THREADS="4")
    if env.get("DATABASE_URL", "sqlite").startswith("postgres"):
        env.pop("DATABASE_URL")  # this test is about the SQLite file
    servers.migrate(env)
    port = servers.free_port()
    log = tmp_path / "gunicorn.log"
    with servers.running(servers.procfile_command("web"), env, port, log):
        base = f"http://127.0.0.1:{port}"

        def create(n):
            with httpx.Client(base_url=base, timeout=30) as http:
                return [
                    http.post("/api/snippets", json={"content": f"print({n}, {i})\n", "lexer": "python"}).status_code
                    for i in range(4)
                ]

        with ThreadPoolExecutor(max_workers=12) as pool:
            statuses = [status for batch in pool.map(create, range(12)) for status in batch]
        assert statuses == [201] * 48
        with httpx.Client(base_url=base, timeout=10) as http:
            assert http.get("/_health").json()["status"] == "ok"
    assert "database is locked" not in log.read_text()


def test_an_unreachable_database_is_a_clear_503(tmp_path):
    env = servers.site_environment(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:9/nothing")
    port = servers.free_port()
    with servers.running(servers.procfile_command("web"), env, port, tmp_path / "gunicorn.log"):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=20) as http:
            page = http.get("/s/abcdefabcdef")
            assert page.status_code == 503
            assert "database is not available" in page.text
            assert page.headers["Retry-After"] == "30"
            api = http.post("/api/snippets", json={"content": "x"})
            assert api.status_code == 503
            assert api.json()["error"]["code"] == "database_unavailable"


def test_a_chunked_body_is_created_through_gunicorn(tmp_path):
    """``curl -T -`` and streaming clients send no Content-Length. Through the Procfile's
    gunicorn the worker decodes the chunks and hands Django the body with a Content-Length
    (composite/worker.py), so the paste is created; Django alone would read an empty body,
    which is why the API answers 411 to a chunked body that reaches it (test_chunked.py)."""

    def chunks(*parts):
        yield from parts

    with servers.running_site(tmp_path, WEB_CONCURRENCY="1") as url, httpx.Client(base_url=url, timeout=30) as http:
        chunked = http.post("/api/snippets", content=chunks(b'{"content": "x = 1\\n", ', b'"lexer": "python"}'),
                            headers={"Content-Type": "application/json"})
        assert chunked.request.headers["Transfer-Encoding"] == "chunked"
        assert "Content-Length" not in chunked.request.headers
        assert chunked.status_code == 201, chunked.text
        assert http.get(chunked.json()["raw_url"]).text == "x = 1\n"
        created = http.post("/api/snippets", json={"content": "x = 1\n"})  # the same connection goes on
        assert created.status_code == 201
        assert http.get("/_health").json()["status"] == "ok"
