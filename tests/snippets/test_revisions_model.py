"""The data model of issue 13: a snippet has revisions 1, 2, 3…, a revision 1 to
SNIPPET_MAX_FILES files, a file a name, a language and its text (in one place: ``File``).

Plain functions, without HTTP: ``creation.create_snippet(files=...)``, ``revisions.revise``, the
lookups, ``intake.check_files``; and the one-file reading of a snippet the old pages use.
"""

import pytest
from django.db import IntegrityError, transaction

from apps.snippets import creation, highlighting, intake, revisions
from apps.snippets.models import File, Revision, Snippet
from apps.snippets.revisions import Conflict

pytestmark = pytest.mark.django_db

ENVIRON = {}  # no highlighter configured: plain text, languages as asked


def upload(name, text, lexer=""):
    return intake.Upload(name, text, lexer)


def make(*files, **options):
    snippet, _ = creation.create_snippet(ENVIRON, files=intake.check_files(files), **options)
    return snippet


@pytest.fixture
def asked(monkeypatch):
    """The texts the highlighter is asked about, in order."""
    texts = []
    real = highlighting.ask_highlighter

    def ask(item, environ, **options):
        texts.append(item.content)
        return real(item, environ, **options)

    monkeypatch.setattr(highlighting, "ask_highlighter", ask)
    return texts


# Creating


def test_a_new_snippet_is_revision_1_with_its_files_in_order():
    snippet = make(upload("a.py", "a\n"), upload("b.py", "b\r\n"))
    revision = revisions.latest(snippet.pk)
    assert revision.number == 1 and revision.created_at == snippet.created_at
    files = revisions.files(revision)
    assert [(f.position, f.filename, f.content, f.size) for f in files] == [(0, "a.py", "a\n", 2),
                                                                             (1, "b.py", "b\r\n", 3)]


def test_each_file_is_asked_about_once_at_creation(asked):
    make(upload("a.py", "a\n"), upload("b.py", "b\n"))
    assert asked == ["a\n", "b\n"]


def test_creation_writes_everything_or_nothing(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(File.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        make(upload("a.py", "a\n"), upload("b.py", "b\n"))
    assert not Snippet.objects.exists() and not Revision.objects.exists()


def test_the_database_refuses_two_files_of_one_name_in_a_revision():
    snippet = make(upload("a.py", "a\n"))
    with pytest.raises(IntegrityError), transaction.atomic():
        File.objects.create(revision=revisions.latest(snippet.pk), position=1, filename="a.py", content="b\n")


# Revising


def test_a_revision_is_made_only_when_something_changed(asked):
    snippet = make(upload("a.py", "a\n"), upload("b.py", "b\n"))
    same, created = revisions.revise(snippet, [upload("a.py", "a\n"), upload("b.py", "b\n")], ENVIRON)
    assert (same.number, created) == (1, False)
    second, created = revisions.revise(snippet, [upload("a.py", "a\n"), upload("b.py", "b2\n")], ENVIRON)
    assert (second.number, created) == (2, True)
    assert [r.number for r in revisions.history(snippet.pk)] == [1, 2]
    assert asked == ["a\n", "b\n", "b2\n"]  # an unchanged file keeps its language and rendering


def test_revision_1_keeps_its_bytes_after_later_edits():
    snippet = make(upload("a.py", "one\r\n"))
    for text in ("two\n", "three"):
        revisions.revise(snippet, [upload("a.py", text)], ENVIRON)
    first = revisions.numbered(snippet.pk, 1)
    assert [f.content for f in revisions.files(first)] == ["one\r\n"]
    assert revisions.file_named(revisions.latest(snippet.pk), "a.py").content == "three"


def test_auto_keeps_the_decided_language_and_a_chosen_one_is_a_change():
    snippet = make(upload("notes", "x\n", lexer="python"))
    assert revisions.revise(snippet, [upload("notes", "x\n", lexer="python")], ENVIRON)[1] is False
    assert revisions.revise(snippet, [upload("notes", "x\n")], ENVIRON)[1] is True  # back to auto: a change


def test_a_burn_after_reading_snippet_is_never_revised():
    snippet = make(upload("a.txt", "secret\n"), burn=True)
    with pytest.raises(Conflict) as refused:
        revisions.revise(snippet, [upload("a.txt", "other\n")], ENVIRON)
    assert refused.value.status == 409 and refused.value.code == "burn_after_reading"


def test_an_edit_that_lost_a_race_says_so_and_stores_nothing(monkeypatch):
    snippet = make(upload("a.py", "a\n"))
    real = creation.settle

    def meanwhile(files, environ, **options):  # another edit lands while the highlighter is asked
        Revision.objects.create(snippet=snippet, number=2)
        return real(files, environ, **options)

    monkeypatch.setattr(creation, "settle", meanwhile)
    with pytest.raises(Conflict) as refused:
        revisions.revise(snippet, [upload("a.py", "mine\n")], ENVIRON)
    assert refused.value.code == "conflict"
    assert not File.objects.filter(content="mine\n").exists()


# Reading a one-file snippet as before


def test_a_snippet_reads_as_the_first_file_of_its_latest_revision():
    snippet = make(upload("a.py", "a\n"), upload("b.py", "b\n"))
    revisions.revise(snippet, [upload("c.py", "c\n")], ENVIRON)
    again = Snippet.objects.get(pk=snippet.pk)
    assert (again.filename, again.content, again.size) == ("c.py", "c\n", 2)


def test_the_old_way_of_making_a_snippet_still_makes_revision_1():
    snippet = Snippet.objects.create(content="old\n", filename="old.txt", lexer="text")
    (file,) = revisions.files(revisions.latest(snippet.pk))
    assert (file.filename, file.content, file.lexer, file.size) == ("old.txt", "old\n", "text", 4)


def test_the_pages_query_brings_the_head_without_its_text_and_raws_with_it(django_assert_num_queries):
    snippet = make(upload("a.py", "a\n"), upload("b.py", "b\n"))
    with django_assert_num_queries(1):
        (found,) = Snippet.objects.family(snippet.pk)
        assert (found.filename, found.sha256, found.file_count) == ("a.py", snippet.sha256, 2)
    assert "content" not in found.head.__dict__
    with django_assert_num_queries(1):
        assert Snippet.objects.readable(snippet.pk).content == "a\n"


# What a revision's files may be


@pytest.mark.parametrize(("files", "code"), [
    ([], "empty"),
    ([upload(f"f{n}", "x") for n in range(21)], "too_many_files"),
    ([upload("a", "x"), upload("a", "y")], "duplicate_filename"),
    ([upload("a", "x"), upload("", "y")], "bad_filename"),
    ([upload("a/b", "x")], "bad_filename"),
    ([upload("a\u2028b", "x")], "bad_filename"),
    ([upload(" ", "x")], "bad_filename"),
    ([upload("a", "x"), upload("b", "   ")], "empty"),
    ([upload("a", "x\0")], "nul_byte"),
])
def test_check_files_refuses(files, code):
    with pytest.raises(intake.Refused) as refused:
        intake.check_files(files)
    assert refused.value.code == code


def test_an_unnamed_file_is_fine_alone_and_old_names_are_made_file_names():
    assert intake.check_files([upload("", "x")])[0].filename == ""
    assert intake.one_file_name("src/app.py") == "app.py"
    assert intake.one_file_name("C:\\work\\a.py") == "a.py"


def test_a_language_set_through_the_snippet_is_saved_with_it():
    # The one-file reading (snippet.lexer, …) is the head file's: saving the snippet saves what
    # may change in place (the language, the decline note); a revision's bytes never do.
    snippet = Snippet.objects.create(content="--- a\n+++ b\n")
    snippet.lexer, snippet.lexer_source = "diff", "chosen"
    snippet.save()
    again = Snippet.objects.get(pk=snippet.pk)
    assert (again.lexer, again.lexer_source, again.content) == ("diff", "chosen", "--- a\n+++ b\n")
    assert File.objects.filter(revision__snippet=snippet).count() == 1
