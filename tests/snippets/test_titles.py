"""A title is one line a reader sees as it was meant: line breaks and runs of white space become
single spaces, and control characters and those that reorder or hide text (a bidi override, a
zero-width space) are dropped, through the form and the API alike (``intake.check_title``)."""

import pytest

from apps.snippets import intake
from apps.snippets.models import Snippet

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("submitted", "stored"), [
    ("Release \u202enotes", "Release notes"),  # RIGHT-TO-LEFT OVERRIDE would show "Release seton"
    ("a\u2066b\u2069c", "abc"),
    ("\u200bzero\u2060width\ufeff", "zerowidth"),
    ("two\nlines\r\nand\ttabs", "two lines and tabs"),
    ("  spaced   out \u2028 ", "spaced out"),
    ("bell\x07 and \x1b[31mescape", "bell and [31mescape"),
])
def test_hidden_characters_leave_a_title_and_white_space_is_one_space(submitted, stored):
    assert intake.check_title(submitted) == stored


def test_titles_in_any_script_are_kept_as_written():
    """Joiners and direction marks stay: Persian and the Indic scripts spell with them, emoji
    sequences are made of them, mixed right-to-left text needs the marks."""
    for title in ("café ☕", "日本語のメモ", "שלום עולם", "مرحبا", "naïve fix",
                  "می\u200cخواهم", "क्\u200dष", "👨\u200d👩\u200d👧 family", "Release 2.0 \u200fשלום\u200f"):
        assert intake.check_title(title) == title


def test_a_title_of_nothing_visible_is_no_title():
    for title in ("\u200d\u200d", "\u200e", " \u0301\u0301 ", "\u202e\u200b"):
        assert intake.check_title(title) == ""


def test_a_title_is_at_most_200_characters_after_cleaning():
    assert intake.check_title("\u202e" * 50 + "x" * 300) == "x" * 200
    assert intake.check_title("a" * 199 + " " + "b") == "a" * 199  # no space left at the end


def test_the_api_stores_the_cleaned_title(client):
    response = client.post("/api/snippets", json={"content": "x\n", "title": "fix\u202e\ncd"})
    assert response.status_code == 201
    assert Snippet.objects.get(pk=response.get_json()["id"]).title == "fix cd"


def test_the_api_cleans_a_changed_title_too(client):
    made = client.post("/api/snippets", json={"content": "x\n"}).get_json()
    response = client.put(f"/api/snippets/{made['id']}", json={"content": "y\n", "title": "\u2067new\u2069 title"},
                          headers={"Authorization": f"Token {made['delete_token']}"})
    assert response.status_code == 201
    assert Snippet.objects.get(pk=made["id"]).title == "new title"


def test_the_form_stores_the_cleaned_title_and_the_page_shows_it(client, post_form):
    response = post_form(content="print(1)\n", title="Look\u202e here\tnow")
    assert response.status_code == 302
    snippet = Snippet.objects.get()
    assert snippet.title == "Look here now"
    page = client.get(snippet.get_absolute_url()).get_data(as_text=True)
    assert "<h1>Look here now</h1>" in page and "\u202e" not in page


@pytest.mark.django_db(transaction=True)
def test_titles_stored_before_are_cleaned_by_migration_0010():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("snippets", "0009_live_forks_newest_index")], [("snippets", "0010_titles_one_clean_line")]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps.get_model("snippets", "Snippet")
        old.objects.create(id="spoofed", title="Release \u202enotes\n2")
        old.objects.create(id="plain", title="Fine as it is")
        old.objects.create(id="invisible", title="\u200d\u200b")
        executor.loader.build_graph()
        executor.migrate(after)
        assert dict(Snippet.objects.values_list("pk", "title")) == {
            "spoofed": "Release notes 2", "plain": "Fine as it is", "invisible": ""}
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes("snippets"))


def test_the_form_and_the_api_take_the_same_title(client, post_form):
    title = "x" * 190 + "\u200e\u202a" * 10  # 190 visible characters and 20 that are dropped
    assert post_form(content="a\n", title=title).status_code == 302
    made = client.post("/api/snippets", json={"content": "b\n", "title": title}).get_json()
    assert {snippet.title for snippet in Snippet.objects.all()} == {"x" * 190 + "\u200e" * 10}
    assert made["id"]
    page = client.get("/").get_data(as_text=True)
    assert 'maxlength="200"' in page and 'name="title"' in page
