"""``/healthz`` under a real server: it tells the truth about the database."""

import httpx
import pytest

from tests import servers

pytestmark = pytest.mark.server


def test_healthz_is_503_and_names_the_database_when_it_is_unreachable(tmp_path):
    env = servers.site_environment(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:9/nothing")
    port = servers.free_port()
    with servers.running(servers.procfile_command("web"), env, port, tmp_path / "log", ready_path="/diff/"):
        response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "fail"
    assert report["apps"]["snippets"]["status"] == "fail"
    assert "OperationalError" in report["apps"]["snippets"]["database"]
    assert report["apps"]["highlighter"]["status"] == "ok"
    assert report["apps"]["diffviewer"]["status"] == "ok"
