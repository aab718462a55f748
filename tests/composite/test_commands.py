"""The commands a developer runs: the whole site with ``composite serve``, each app alone
with its own framework's command (talking to the others over the network), and the
start-up refusal of a bad configuration."""

import subprocess
import sys

import httpx
import pytest

from tests import servers

pytestmark = pytest.mark.server

BIN = servers.BIN


def dev_environment(tmp_path, **overrides):
    return servers.site_environment(tmp_path, DEBUG="true", **overrides)


def test_composite_serve_runs_the_whole_site_and_migrates_on_first_run(tmp_path):
    port = servers.free_port()
    command = f"{BIN}/composite serve --no-reload --port {port}"
    with servers.running(command, dev_environment(tmp_path), port, tmp_path / "log"):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            created = http.post("/api/snippets", data={"content": "print('hi')\n", "lexer": "python"})
            assert created.status_code == 201, created.text
            assert "Compare two texts" in http.get("/diff/").text
            assert "Highlighter playground" in http.get("/highlight/").text
            page = http.get(created.json()["url"]).text
            assert '<span class="nb">print</span>' in page


def test_each_app_runs_alone_with_its_own_command_and_they_talk_over_http(tmp_path):
    hl_port, paste_port, diff_port = (servers.free_port() for _ in range(3))
    paste = f"http://127.0.0.1:{paste_port}"
    env = dev_environment(
        tmp_path,
        HIGHLIGHTER_URL=f"http://127.0.0.1:{hl_port}",
        DIFF_ALLOWED_ORIGINS=paste,
        DIFFVIEWER_URL=f"http://127.0.0.1:{diff_port}",
    )
    servers.migrate(env)
    highlighter = f"{BIN}/flask --app apps.highlighter run --port {hl_port}"
    paste_site = f"{sys.executable} manage.py runserver 127.0.0.1:{paste_port} --noreload"
    diff_viewer = f"{sys.executable} -m apps.diffviewer --port {diff_port} --no-reload"
    with (
        servers.running(highlighter, env, hl_port, tmp_path / "hl.log", ready_path="/_health"),
        servers.running(paste_site, env, paste_port, tmp_path / "paste.log", ready_path="/_health"),
        servers.running(diff_viewer, env, diff_port, tmp_path / "diff.log", ready_path="/_health"),
    ):
        with httpx.Client(timeout=10) as http:
            parent = http.post(f"{paste}/api/snippets", data={"content": "a = 1\nb = 2\n", "lexer": "python"}).json()
            child = http.post(f"{paste}/api/snippets", data={"content": "a = 1\nb = 3\n", "lexer": "python"}).json()
            page = http.get(parent["url"]).text
            assert '<span class="n">a</span>' in page  # highlighted by the separate highlighter
            compare = http.get(
                f"http://127.0.0.1:{diff_port}/compare",
                params={"left": parent["raw_url"], "right": child["raw_url"]},
            )
            assert compare.status_code == 200, compare.text[:500]
            # word marks, coloured by the separate highlighter (the raw text is named <id>.py)
            assert '<del><span class="t-mi">2</span></del>' in compare.text
            assert '<ins><span class="t-mi">3</span></ins>' in compare.text


@pytest.mark.parametrize(
    "command",
    [
        [str(BIN / "composite"), "check"],
        [sys.executable, "manage.py", "check"],
    ],
)
def test_without_a_secret_key_in_production_the_site_refuses_to_start(tmp_path, command):
    env = servers.site_environment(tmp_path, DEBUG="false", SECRET_KEY="")
    result = subprocess.run(command, cwd=servers.ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_malformed_setting_is_named_at_start_up(tmp_path):
    env = servers.site_environment(tmp_path, PROXY_HOPS="two")
    result = subprocess.run(
        [str(BIN / "composite"), "check"], cwd=servers.ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "PROXY_HOPS='two': expected a whole number from 0 to 10" in result.stderr
    assert "Traceback" not in result.stderr


def test_gunicorn_refuses_to_boot_without_a_secret_key(tmp_path):
    env = servers.site_environment(tmp_path, SECRET_KEY="", PORT=str(servers.free_port()))
    command = servers.procfile_command("web").split()
    result = subprocess.run(command, cwd=servers.ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stdout + result.stderr


def test_a_highlighter_only_process_needs_none_of_the_paste_sites_settings(tmp_path):
    """Deployed apart, the highlighter service boots without SECRET_KEY or a database."""
    port = servers.free_port()
    env = servers.site_environment(
        tmp_path,
        SECRET_KEY="",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/none",
        MOUNT_APPS="highlighter",
        SNIPPETS_URL="http://127.0.0.1:9",
        DIFFVIEWER_URL="http://127.0.0.1:9",
    )
    with servers.running(servers.procfile_command("web"), env, port, tmp_path / "log"):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            report = http.get("/healthz").json()
            assert report["status"] == "ok" and list(report["apps"]) == ["highlighter"]
            assert http.get("/highlight/static/playground.js").status_code == 200
            assert http.get("/").status_code == 404
