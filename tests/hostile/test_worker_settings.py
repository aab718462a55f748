"""The buffering worker's limits come from the environment, typed, and a bad value stops the
server at start-up with a message naming the variable (config/gunicorn.conf.py reads them)."""

import subprocess
import sys

import pytest

from composite.worker import BufferSettings
from config.env import ConfigError
from tests import servers


def test_the_defaults_suit_the_apps_and_the_timeout_follows_web_timeout():
    settings = BufferSettings.from_env(timeout=25)
    assert settings == BufferSettings(budget_bytes=128 * 1024 * 1024, max_bytes=16 * 1024 * 1024,
                                      max_chunks=16384, timeout=25)


def test_each_limit_is_read_from_the_environment(monkeypatch):
    for name, value in {"BUFFER_BUDGET_BYTES": "67108864", "BUFFER_MAX_BYTES": "4194304",
                        "BUFFER_MAX_CHUNKS": "1000", "BUFFER_TIMEOUT": "7.5"}.items():
        monkeypatch.setenv(name, value)
    assert BufferSettings.from_env(timeout=25) == BufferSettings(67108864, 4194304, 1000, 7.5)


@pytest.mark.parametrize(("name", "value"), [("BUFFER_MAX_BYTES", "16M"), ("BUFFER_MAX_CHUNKS", "0"),
                                             ("BUFFER_TIMEOUT", "soon")])
def test_a_bad_value_is_refused_naming_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        BufferSettings.from_env(timeout=25)


def test_gunicorn_does_not_start_with_a_bad_value(tmp_path):
    env = servers.site_environment(tmp_path, BUFFER_BUDGET_BYTES="lots")
    command = [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.conf.py", "--check-config",
               "composite.wsgi:application"]
    result = subprocess.run(command, cwd=servers.ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "BUFFER_BUDGET_BYTES='lots' is not a whole number." in result.stdout + result.stderr
