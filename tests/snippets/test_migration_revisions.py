"""Migrations 0006-0008: every snippet from before becomes revision 1 with its one file, byte for
byte (SHA-256 of each file equals the old content's), and the way back restores the rows.

Runs on the test database of the run: SQLite by default, PostgreSQL with
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/test``.
"""

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from apps.snippets.models import File, Revision, Snippet

BEFORE = [("snippets", "0005_snippet_lexer_source")]
AFTER = [("snippets", "0008_snippet_text_moved")]

TEXTS = {
    "crlf": "line one\r\nline two\r\n",
    "unicode": "naïve café — 日本語 😀 \u202e\u00a0\n",
    "no-newline": "no final newline",
    "cr-only": "old\rmac\r",
    "bom-kept": "\ufeffa text that starts with a byte-order mark\n",
    "big": "x = 1\n" * 40_000,
    "blank-lines": "\n\n\n",
}


def digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture
def executor():
    """A migration executor; the database is put back on the latest migration afterwards."""
    executor = MigrationExecutor(connection)
    yield executor
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("snippets"))


def old_snippet_model(executor):
    executor.migrate(BEFORE)
    return executor.loader.project_state(BEFORE).apps.get_model("snippets", "Snippet")


def migrate_to(executor, target):
    executor.loader.build_graph()
    executor.migrate(target)


@pytest.mark.django_db(transaction=True)
def test_every_snippet_becomes_revision_1_with_its_one_file_byte_for_byte(executor):
    old = old_snippet_model(executor)
    made = timezone.now() - timedelta(days=3)
    for name, text in TEXTS.items():
        old.objects.create(id=name, content=text, filename=f"{name}.txt" if name != "crlf" else "",
                           lexer="python" if name == "big" else "", lexer_source="chosen" if name == "big" else "",
                           size=len(text.encode("utf-8")), sha256=digest(text), created_at=made, title=f"t-{name}")
    migrate_to(executor, AFTER)
    for name, text in TEXTS.items():
        snippet = Snippet.objects.get(pk=name)
        (revision,) = Revision.objects.filter(snippet=snippet)
        (file,) = File.objects.filter(revision=revision)
        assert (revision.number, revision.created_at, snippet.title) == (1, made, f"t-{name}")
        assert digest(file.content) == digest(text) == file.sha256, name
        assert file.content == text and file.size == len(text.encode("utf-8"))
        assert file.filename == ("" if name == "crlf" else f"{name}.txt") and file.position == 0
    big = File.objects.get(revision__snippet_id="big")
    assert (big.lexer, big.lexer_source) == ("python", "chosen")


@pytest.mark.django_db(transaction=True)
def test_a_removed_snippet_keeps_its_digest_and_no_text(executor):
    """A taken-down snippet's content was emptied; the digest of what it was moves with it."""
    old = old_snippet_model(executor)
    old.objects.create(id="removed", content="", size=12, sha256=digest("spam spam\n!"), removed_at=timezone.now(),
                       removed_reason="spam")
    migrate_to(executor, AFTER)
    file = File.objects.get(revision__snippet_id="removed")
    assert (file.content, file.size, file.sha256) == ("", 12, digest("spam spam\n!"))
    assert Snippet.objects.removed_digest(digest("spam spam\n!"))


@pytest.mark.django_db(transaction=True)
def test_the_decline_notes_and_parents_move_along(executor):
    old = old_snippet_model(executor)
    until = timezone.now() + timedelta(minutes=5)
    parent = old.objects.create(id="parent", content="a\n", size=2, sha256=digest("a\n"))
    old.objects.create(id="child", parent=parent, content="b\n", size=2, sha256=digest("b\n"), declined_key="k",
                       declined_notice="too slow", declined_until=until)
    migrate_to(executor, AFTER)
    child = Snippet.objects.get(pk="child")
    assert child.parent_id == "parent"
    assert (child.declined_key, child.declined_notice, child.declined_until) == ("k", "too slow", until)


@pytest.mark.django_db(transaction=True)
def test_going_back_puts_the_latest_first_file_on_the_snippet_row(executor):
    """Reversible: 0008 -> 0005 fills the old columns again from each snippet's latest revision."""
    old = old_snippet_model(executor)
    for name, text in TEXTS.items():
        old.objects.create(id=name, content=text, size=len(text.encode("utf-8")), sha256=digest(text))
    migrate_to(executor, AFTER)
    migrate_to(executor, BEFORE)
    back = executor.loader.project_state(BEFORE).apps.get_model("snippets", "Snippet")
    for name, text in TEXTS.items():
        row = back.objects.get(pk=name)
        assert (row.content, row.sha256, row.size) == (text, digest(text), len(text.encode("utf-8")))
