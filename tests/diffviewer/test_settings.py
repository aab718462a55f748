"""create_app(config): code defaults, then the environment, then config — checked at start-up."""

import subprocess
import sys

import httpx
import pytest

from apps.diffviewer import create_app, settings
from apps.environment import ConfigError
from tests.servers import ROOT, free_port, running


def test_defaults():
    loaded = settings.load({}, environ={})
    assert loaded.DIFF_MAX_BYTES == 2 * 1024 * 1024
    assert loaded.DIFF_MAX_RENDER_LINES == 20_000
    assert loaded.DIFF_ALLOWED_ORIGINS == ()
    assert (loaded.DIFF_TIMEOUT, loaded.DIFF_WORKERS, loaded.DIFF_MAX_OUTPUT_BYTES) == (5.0, 2, 32 * 1024 * 1024)


def test_the_environment_overrides_defaults_and_config_overrides_both():
    environ = {"DIFF_MAX_BYTES": "1000", "DIFF_ALLOWED_ORIGINS": "HTTP://127.0.0.1:8000/, https://paste.example.com:443",
               "DIFF_HIGHLIGHT_TIMEOUT": "0.5", "DIFF_MAX_RENDER_LINES": "10"}
    loaded = settings.load({"DIFF_MAX_RENDER_LINES": 99}, environ=environ)
    assert loaded.DIFF_MAX_BYTES == 1000 and loaded.DIFF_HIGHLIGHT_TIMEOUT == 0.5
    assert loaded.DIFF_ALLOWED_ORIGINS == ("http://127.0.0.1:8000", "https://paste.example.com")
    assert loaded.DIFF_MAX_RENDER_LINES == 99


def test_sizes_may_name_their_unit():
    loaded = settings.load({}, environ={"DIFF_MAX_BYTES": "3MiB", "DIFF_MAX_OUTPUT_BYTES": "512 KiB"})
    assert (loaded.DIFF_MAX_BYTES, loaded.DIFF_MAX_OUTPUT_BYTES) == (3 * 1024 * 1024, 512 * 1024)


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("DIFF_MAX_BYTES", "2 megabytes", "DIFF_MAX_BYTES='2 megabytes': expected a number of bytes"),
        ("DIFF_MAX_BYTES", "0", "DIFF_MAX_BYTES='0': expected a number of bytes of at least 1"),
        ("DIFF_MAX_RENDER_LINES", "-5", "expected a whole number of at least 1"),
        ("DIFF_HIGHLIGHT_TIMEOUT", "soon", "DIFF_HIGHLIGHT_TIMEOUT='soon': expected a number above 0"),
        ("DIFF_ALLOWED_ORIGINS", "paste.example.com", "expected comma-separated origins"),
        ("DIFF_ALLOWED_ORIGINS", "http://user@host", "expected comma-separated origins"),
        ("DIFF_ALLOWED_ORIGINS", "https://host/path", "expected comma-separated origins"),
        ("DIFF_ALLOWED_ORIGINS", "file:///etc", "expected comma-separated origins"),
        ("DEBUG", "perhaps", "DEBUG='perhaps': expected true or false"),
        ("DIFF_TIMEOUT", "0", "expected a number above 0"),
        ("DIFF_WORKERS", "1.5", "DIFF_WORKERS='1.5': expected a whole number"),
        ("DIFF_WORKERS", "0", "expected a whole number of at least 1"),
        ("DIFF_MAX_OUTPUT_BYTES", "32 M B", "expected a number of bytes"),
    ],
)
def test_a_bad_value_fails_at_start_up_naming_the_variable(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        create_app()


def test_an_unknown_config_key_is_an_error():
    with pytest.raises(ConfigError, match="MAX_BYTES=1: expected one of the diff viewer's settings"):
        create_app({"MAX_BYTES": 1})


def test_python_m_apps_diffviewer_serves_pages_and_static_files(tmp_path):
    """The standalone command: run_simple, its own static files, no composite."""
    port = free_port()
    command = f"{sys.executable} -m apps.diffviewer --no-reload --port {port}"
    with running(command, {"PATH": "/usr/bin:/bin"}, port, tmp_path / "log", ready_path="/_health", timeout=30):
        base = f"http://127.0.0.1:{port}"
        assert 'href="/static/diffviewer.css"' in httpx.get(base + "/").text
        assert httpx.get(base + "/static/diffviewer.css").status_code == 200
        assert httpx.get(base + "/static/diffviewer.js").status_code == 200
        patch = httpx.post(base + "/api/diff.patch", json={"left": "a\n", "right": "b\n"})
        assert patch.text == "--- a\n+++ b\n@@ -1 +1 @@\n-a\n+b\n"


def test_a_bad_setting_stops_the_standalone_command_with_a_message():
    result = subprocess.run([sys.executable, "-m", "apps.diffviewer", "--no-reload"], cwd=ROOT, capture_output=True,
                            text=True, env={"PATH": "/usr/bin:/bin", "DIFF_MAX_BYTES": "lots"}, timeout=30)
    assert result.returncode != 0
    assert "diff viewer: DIFF_MAX_BYTES='lots': expected a number of bytes" in result.stderr


def test_the_configuration_table_of_docs_diffviewer_lists_every_setting_the_app_reads():
    import re

    doc = (ROOT / "docs" / "diffviewer.md").read_text()
    table = doc[doc.index("## Configuration"):]
    listed = set(re.findall(r"^\| `([A-Z_]+)` \|", table, re.MULTILINE))
    assert set(settings.DECLARED) <= listed, set(settings.DECLARED) - listed
