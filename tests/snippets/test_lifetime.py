"""How snippets end: expiry (410 at once, removed by ``cleanup_snippets``), burn after
reading (one reader), and deletion with the delete token (forks survive)."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.snippets.models import Snippet

pytestmark = pytest.mark.django_db


def expire(snippet_id, ago=timedelta(seconds=1)):
    """Move a snippet's expiry into the past: the real data, not a patched clock."""
    Snippet.objects.filter(pk=snippet_id).update(expires_at=timezone.now() - ago)


def test_an_expired_snippet_answers_410_everywhere_at_once(client, paste):
    snippet = paste(expires="1h")
    assert client.get(f"/s/{snippet['id']}").status_code == 200
    expire(snippet["id"])
    for path in ("", "/raw", "/download", "/fork", "/delete"):
        assert client.get(f"/s/{snippet['id']}{path}").status_code == 410, path
    assert client.get(f"/api/snippets/{snippet['id']}").status_code == 410
    assert "has expired" in client.get(f"/s/{snippet['id']}").get_data(as_text=True)


def test_a_page_served_from_memory_still_expires_on_time(client, paste):
    snippet = paste(expires="1h")
    client.get(f"/s/{snippet['id']}")
    client.get(f"/s/{snippet['id']}")  # now cached
    expire(snippet["id"])
    assert client.get(f"/s/{snippet['id']}").status_code == 410


def test_cleanup_snippets_removes_expired_rows_and_keeps_the_rest(paste, capsys):
    old, fresh, forever = paste(expires="1d"), paste(expires="1d"), paste()
    expire(old["id"], timedelta(days=2))
    call_command("cleanup_snippets", "--dry-run")
    assert "1 expired snippet(s) would be deleted." in capsys.readouterr().out
    call_command("cleanup_snippets")
    assert "Deleted 1 expired snippet(s)." in capsys.readouterr().out
    assert set(Snippet.objects.values_list("pk", flat=True)) == {fresh["id"], forever["id"]}


def test_a_burn_after_reading_snippet_is_shown_to_its_first_reader_only(client, paste, reveal):
    snippet = paste("the secret\n", burn="true")
    first = reveal(snippet["id"])
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert "the secret" in page and "now deleted" in page
    assert first.headers["Cache-Control"] == "no-store, private"
    assert client.get(f"/s/{snippet['id']}").status_code == 404
    assert client.post(f"/s/{snippet['id']}/raw").status_code == 404
    assert not Snippet.objects.exists()


def test_reading_the_raw_text_of_a_burn_snippet_burns_it_too(client, paste):
    """A program reads it by a POST to its raw URL (a GET is told so, and burns nothing)."""
    snippet = paste("the secret\n", burn="true")
    assert client.get(f"/s/{snippet['id']}/raw").status_code == 409
    assert client.post(f"/s/{snippet['id']}/raw").get_data(as_text=True) == "the secret\n"
    assert client.get(f"/s/{snippet['id']}").status_code == 404


def test_the_creator_is_sent_to_a_share_page_that_does_not_burn_it(client, post_form, reveal):
    response = post_form(content="the secret\n", burn="on")
    snippet = Snippet.objects.get()
    assert response.headers["Location"] == f"/s/{snippet.pk}/share"
    share = client.get(f"/s/{snippet.pk}/share").get_data(as_text=True)
    assert f"http://localhost/s/{snippet.pk}" in share and "burns on its first view" in share
    assert "the secret" not in share
    assert re.search(r"Your delete token.*<code>", share)
    assert client.get(f"/api/snippets/{snippet.pk}").status_code == 200  # metadata does not burn
    assert Snippet.objects.filter(pk=snippet.pk).exists()
    assert "the secret" not in client.get(f"/s/{snippet.pk}").get_data(as_text=True)  # the reveal step
    assert "the secret" in reveal(snippet.pk).get_data(as_text=True)
    assert client.get(f"/s/{snippet.pk}/share").status_code == 404


def test_the_creator_deletes_from_the_page_without_typing_the_token(client, post_form):
    location = post_form(content="oops\n").headers["Location"]
    snippet_id = location.rsplit("/", 1)[-1]
    delete_page = client.get(f"{location}/delete").get_data(as_text=True)
    assert 'name="token"' not in delete_page
    response = post_form(f"{location}/delete")
    assert response.status_code == 302
    assert not Snippet.objects.filter(pk=snippet_id).exists()
    assert snippet_id not in client.get("/mine").get_data(as_text=True)


def test_anyone_with_the_token_can_delete_from_the_page(client, paste, site, post_form):
    snippet = paste()
    from werkzeug.test import Client

    stranger = Client(site)
    page = stranger.get(f"/s/{snippet['id']}/delete").get_data(as_text=True)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    wrong = stranger.post(f"/s/{snippet['id']}/delete", data={"csrfmiddlewaretoken": csrf, "token": "wrong"})
    assert wrong.status_code == 403
    right = stranger.post(
        f"/s/{snippet['id']}/delete", data={"csrfmiddlewaretoken": csrf, "token": snippet["delete_token"]}
    )
    assert right.status_code == 302
    assert not Snippet.objects.filter(pk=snippet["id"]).exists()


def test_deleting_needs_the_csrf_token(client, paste):
    snippet = paste()
    response = client.post(f"/s/{snippet['id']}/delete", data={"token": snippet["delete_token"]})
    assert response.status_code == 403
    assert Snippet.objects.filter(pk=snippet["id"]).exists()


def test_deleting_a_parent_keeps_its_forks_working(client, paste, post_form):
    parent = paste("one\n")
    post_form(f"/s/{parent['id']}/fork", content="two\n", title="child")
    child = Snippet.objects.get(title="child")
    client.get(f"/s/{child.pk}")  # cached with its parent link
    client.delete(f"/api/snippets/{parent['id']}", headers={"Authorization": f"Token {parent['delete_token']}"})
    response = client.get(f"/s/{child.pk}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Parent:" not in page and "compare with parent" not in page
    assert client.get(f"/s/{child.pk}/raw").get_data(as_text=True) == "two\n"
