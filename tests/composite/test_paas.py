"""On a PaaS whose filesystem is wiped at every restart, a SQLite file would lose every paste.

The site knows such a platform by its usual variables (Heroku's DYNO, Render's RENDER,
Dokku's DOKKU_*, …) and then refuses to start without a real database, naming
DATABASE_URL, unless the operator says the file database is meant (ALLOW_FILE_DATABASE).
A machine of one's own (make run, the tests) has none of those variables and is unaffected.
"""

import subprocess
import sys

import pytest

from tests import servers


def check(tmp_path, **variables):
    env = servers.site_environment(tmp_path, **variables)
    for name in ("DATABASE_URL", "DYNO", "RENDER", "ALLOW_FILE_DATABASE"):
        if name not in variables:
            env.pop(name, None)
    return subprocess.run([str(servers.BIN / "composite"), "check"], cwd=servers.ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("marker", [{"DYNO": "web.1"}, {"RENDER": "true"}, {"DOKKU_APP_TYPE": "herokuish"}],
                         ids=["heroku", "render", "dokku"])
def test_on_a_paas_without_database_url_the_site_refuses_to_start_and_says_why(tmp_path, marker):
    result = check(tmp_path, **marker)
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr
    assert "filesystem is wiped" in result.stderr and "ALLOW_FILE_DATABASE" in result.stderr
    assert "Traceback" not in result.stderr


def test_manage_py_names_the_cause_too(tmp_path):
    env = servers.site_environment(tmp_path, DYNO="web.1")
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=servers.ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "DATABASE_URL is not set" in result.stderr


def test_an_explicit_sqlite_file_on_a_paas_is_refused_too(tmp_path):
    result = check(tmp_path, DYNO="web.1", DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}")
    assert result.returncode != 0
    assert "DATABASE_URL is a SQLite file" in result.stderr


def test_the_operator_can_keep_a_file_database_on_purpose(tmp_path):
    assert check(tmp_path, DYNO="web.1", ALLOW_FILE_DATABASE="true").returncode == 0


def test_a_paas_with_postgresql_starts(tmp_path):
    assert check(tmp_path, DYNO="web.1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/test").returncode == 0


def test_a_machine_of_ones_own_keeps_the_sqlite_default(tmp_path):
    assert check(tmp_path).returncode == 0
