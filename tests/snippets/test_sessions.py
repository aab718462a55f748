"""Session fixation (issue 9 item 12): the session key is rotated when a delete token is
stored in it, so a session cookie planted in a visitor's browser gives its planter nothing."""

import pytest
from werkzeug.test import Client

from apps.snippets.models import Snippet
from tests.snippets.conftest import csrf_token

pytestmark = pytest.mark.django_db

SESSION = "snippets_session"


def create_with_the_form(client, content):
    token = csrf_token(client)
    response = client.post("/", data={"csrfmiddlewaretoken": token, "content": content})
    assert response.status_code == 302
    return Snippet.objects.get(revisions__files__content=content).pk


def test_a_planted_session_cookie_lets_its_planter_see_and_delete_nothing(site):
    planter, victim = Client(site), Client(site)
    create_with_the_form(planter, "the planter's own\n")  # now holds a session of their own
    planted = planter.get_cookie(SESSION).value
    victim.set_cookie(SESSION, planted)

    victims = create_with_the_form(victim, "the victim's secret\n")

    assert victim.get_cookie(SESSION).value != planted
    assert victims in victim.get("/mine").get_data(as_text=True)
    assert victims not in planter.get("/mine").get_data(as_text=True)
    delete_page = planter.get(f"/s/{victims}/delete").get_data(as_text=True)
    assert 'name="token"' in delete_page  # asked for the token: not taken for the creator
    assert planter.post(f"/s/{victims}/delete", data={"csrfmiddlewaretoken": csrf_token(planter)}).status_code == 403
    assert Snippet.objects.filter(pk=victims).exists()


def test_each_create_rotates_the_key_and_keeps_what_the_session_held(client):
    first = create_with_the_form(client, "one\n")
    key = client.get_cookie(SESSION).value
    second = create_with_the_form(client, "two\n")
    assert client.get_cookie(SESSION).value != key
    mine = client.get("/mine").get_data(as_text=True)
    assert first in mine and second in mine
