"""Moving a live site from its SQLite file to PostgreSQL (``manage.py copy_database URL``).

Run as an operator runs it: a site on its SQLite file, filled through Django, then the
command in its own process against a fresh PostgreSQL database; the target is read back
with psycopg, not through the code that wrote it.
"""

import hashlib
import io
import json
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import servers

POSTGRES = "postgres://postgres@127.0.0.1:5432/{name}"
TEXTS = [
    "print('hello')\n",
    "line one\r\nline two\r\n",  # CRLF kept byte for byte
    "naïve café — 日本語 😀\n",
    "",
    "x" * 200_000,
    "no final newline",
]
FILL = """
import hashlib, json, sys
from datetime import timedelta
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from apps.snippets.models import Snippet

texts = json.loads(sys.stdin.read())
parent = Snippet.objects.create(content=texts[0], title="parent", lexer="python", filename="a.py")
for number, text in enumerate(texts[1:]):
    Snippet.objects.create(
        content=text, parent=parent if number % 2 else None, title=f"t{number}",
        expires_at=timezone.now() + timedelta(days=number + 1) if number % 3 else None,
        burn_after_reading=number == 2, delete_token_hash=hashlib.sha256(str(number).encode()).hexdigest(),
    )
User.objects.create_superuser("admin", "admin@example.com", "a-long-password")
alive = SessionStore(); alive["owned"] = {parent.id: "token-hash"}; alive.create()
gone = SessionStore(); gone.set_expiry(-1); gone.create()
print(json.dumps({"session": alive.session_key,
                  "snippets": {snippet.id: snippet.sha256 for snippet in Snippet.objects.all()}}))
"""


def manage(env, *args, stdin=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=servers.ROOT, env=env, input=stdin,
        capture_output=True, text=True, timeout=120,
    )


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    """A site on SQLite, filled, then copied into a new PostgreSQL database."""
    data = tmp_path_factory.mktemp("copy")
    env = servers.site_environment(data, DATABASE_URL=f"sqlite:///{data / 'site.sqlite3'}")
    name = f"copy_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES.format(name="postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        assert manage(env, "migrate", "--noinput").returncode == 0
        filled = manage(env, "shell", "--no-imports", "-c", FILL, stdin=json.dumps(TEXTS))
        assert filled.returncode == 0, filled.stderr
        copy = manage(env, "copy_database", POSTGRES.format(name=name))
        yield {"env": env, "target": POSTGRES.format(name=name), "copy": copy, **json.loads(filled.stdout.strip().splitlines()[-1])}
    finally:
        with psycopg.connect(POSTGRES.format(name="postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def read(url, sql):
    with psycopg.connect(url) as db:
        return db.execute(sql).fetchall()


def test_the_copy_reports_every_table_verified(moved):
    assert moved["copy"].returncode == 0, moved["copy"].stderr
    report = moved["copy"].stdout
    assert "snippets.Snippet: 6 rows verified" in report
    assert "snippets.Revision: 6 rows verified" in report and "snippets.File: 6 rows verified" in report
    assert "auth.User: 1 rows verified" in report
    assert "sessions.Session: 1 rows verified" in report
    assert f"{len(TEXTS)} file contents verified by SHA-256" in report


def test_every_snippet_arrives_byte_for_byte(moved):
    files = "snippets_file f JOIN snippets_revision r ON f.revision_id = r.id"
    assert dict(read(moved["target"], f"SELECT r.snippet_id, f.sha256 FROM {files}")) == moved["snippets"]
    contents = [text for (text,) in read(moved["target"], f"SELECT f.content FROM {files}")]
    digest = lambda text: hashlib.sha256(text.encode("utf-8")).hexdigest()  # noqa: E731
    assert sorted(map(digest, contents)) == sorted(map(digest, TEXTS))
    assert read(moved["target"], "SELECT COUNT(*) FROM snippets_snippet WHERE parent_id IS NOT NULL") == [(2,)]
    assert read(moved["target"], "SELECT COUNT(*) FROM snippets_snippet WHERE burn_after_reading") == [(1,)]


def test_the_targets_id_counters_continue_after_the_copied_rows(moved):
    """Revisions came with their ids: the next one the target makes must not take one in use."""
    with psycopg.connect(moved["target"]) as db:
        (highest,) = db.execute("SELECT MAX(id) FROM snippets_revision").fetchone()
        (snippet,) = db.execute("SELECT id FROM snippets_snippet LIMIT 1").fetchone()
        (made,) = db.execute("INSERT INTO snippets_revision (snippet_id, number, created_at) VALUES (%s, 99, now())"
                             " RETURNING id", [snippet]).fetchone()
        db.rollback()
    assert made > highest


def test_live_sessions_and_admin_accounts_come_along_expired_sessions_do_not(moved):
    assert read(moved["target"], "SELECT session_key FROM django_session") == [(moved["session"],)]
    assert read(moved["target"], "SELECT username, is_superuser FROM auth_user") == [("admin", True)]


def test_a_target_that_already_holds_snippets_is_refused_untouched(moved):
    again = manage(moved["env"], "copy_database", moved["target"])
    assert again.returncode != 0
    assert "already holds 6 snippets" in again.stderr
    assert read(moved["target"], "SELECT COUNT(*) FROM snippets_snippet") == [(6,)]


def test_the_sites_own_database_is_not_a_target(moved):
    own = manage(moved["env"], "copy_database", moved["env"]["DATABASE_URL"])
    assert own.returncode != 0
    assert "own database" in own.stderr


def test_a_malformed_target_url_is_refused_with_a_message():
    with pytest.raises(CommandError, match="not usable"):
        call_command("copy_database", "nosuchscheme://x", stdout=io.StringIO())
