"""The server's settings, the buffering worker's limits and every app's settings come from
the environment, typed, and a bad value stops the server at start-up with one line naming the
variable, never a traceback (config/web.py checks them before gunicorn reads WEB_CONCURRENCY
with a bare int(); config/gunicorn.conf.py uses them)."""

import subprocess
import sys

import pytest

from composite.worker import BufferSettings
from apps.environment import ConfigError
from config.web import WebSettings
from tests import servers


def test_the_defaults_suit_the_apps_and_the_timeout_follows_web_timeout():
    settings = BufferSettings.from_env(timeout=25)
    assert settings == BufferSettings(budget_bytes=128 * 1024 * 1024, max_bytes=16 * 1024 * 1024,
                                      max_chunks=16384, timeout=25, response_bytes=32 * 1024 * 1024,
                                      response_disk_bytes=512 * 1024 * 1024)


def test_each_limit_is_read_from_the_environment(monkeypatch):
    for name, value in {"BUFFER_BUDGET_BYTES": "67108864", "BUFFER_MAX_BYTES": "4194304",
                        "BUFFER_MAX_CHUNKS": "1000", "BUFFER_TIMEOUT": "7.5", "BUFFER_RESPONSE_BYTES": "0",
                        "BUFFER_RESPONSE_DISK_BYTES": "1048576"}.items():
        monkeypatch.setenv(name, value)
    assert BufferSettings.from_env(timeout=25) == BufferSettings(67108864, 4194304, 1000, 7.5, 0, 1048576)


@pytest.mark.parametrize(("name", "value"), [("BUFFER_MAX_BYTES", "16 megabytes"), ("BUFFER_MAX_CHUNKS", "0"),
                                             ("BUFFER_TIMEOUT", "soon"), ("BUFFER_RESPONSE_BYTES", "-1"),
                                             ("BUFFER_RESPONSE_DISK_BYTES", "1.5G")])
def test_a_bad_value_is_refused_naming_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        BufferSettings.from_env(timeout=25)


def test_gunicorn_does_not_start_with_a_bad_value(tmp_path):
    env = servers.site_environment(tmp_path, BUFFER_BUDGET_BYTES="lots")
    command = [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.conf.py", "--check-config",
               "composite.wsgi:application"]
    result = subprocess.run(command, check=False, cwd=servers.ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "BUFFER_BUDGET_BYTES='lots': expected a number of bytes" in result.stdout + result.stderr


def test_the_server_settings_default_and_are_read_from_the_environment(monkeypatch):
    assert WebSettings.from_env() == WebSettings(host="0.0.0.0", port=8000, workers=2, threads=4, timeout=25)
    for name, value in {"HOST": "127.0.0.1", "PORT": "5000", "WEB_CONCURRENCY": "3", "WEB_THREADS": "8",
                        "WEB_TIMEOUT": "20"}.items():
        monkeypatch.setenv(name, value)
    assert WebSettings.from_env().bind == "127.0.0.1:5000"
    assert WebSettings.from_env() == WebSettings("127.0.0.1", 5000, 3, 8, 20)


@pytest.mark.server
@pytest.mark.parametrize(("name", "value", "message"), [
    ("WEB_CONCURRENCY", "two", "WEB_CONCURRENCY='two': expected a whole number from 1 to 256."),
    ("WEB_THREADS", "0", "WEB_THREADS='0': expected a whole number from 1 to 1024."),
    ("WEB_TIMEOUT", "25s", "WEB_TIMEOUT='25s': expected a whole number from 1 to 3600."),
    ("PORT", "http", "PORT='http': expected a whole number from 1 to 65535."),
    ("BUFFER_RESPONSE_BYTES", "32 MB B", "BUFFER_RESPONSE_BYTES='32 MB B': expected a number of bytes of at least 0 "
                                         "(e.g. 1048576 or 1MiB)."),
    ("LOG_LEVEL", "loud", "LOG_LEVEL='loud': expected debug, info, warning, error or critical."),
    ("HIGHLIGHT_WORKERS", "many", "HIGHLIGHT_WORKERS='many': expected a whole number from 1 to 64."),
    ("DIFF_TIMEOUT", "0", "DIFF_TIMEOUT='0': expected a number above 0."),
    ("SNIPPETS_PREFIX", "/a b", "SNIPPETS_PREFIX='/a b': expected a URL path such as /paste (empty for the root)."),
    ("SNIPPET_MAX_BYTES", "lots", "SNIPPET_MAX_BYTES='lots': expected a number of bytes of at least 1 "
                                  "(e.g. 1048576 or 1MiB)."),
    ("SITE_NAV", "{", "SITE_NAV='{': expected a JSON list of [label, url] pairs."),
])
def test_the_procfile_s_server_does_not_start_with_a_bad_value_and_says_which(tmp_path, name, value, message):
    """gunicorn itself would stop on WEB_CONCURRENCY=two with a ValueError traceback as it is
    imported, before reading its configuration."""
    env = servers.site_environment(tmp_path, PORT=str(servers.free_port()))
    env[name] = value
    result = subprocess.run(servers.procfile_command("web").split(), check=False, cwd=servers.ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output[-2000:]
    assert output.strip() == f"Error: {message}"
