"""A snippet's page lists its newest live forks, never more than ``FORKS_SHOWN``: a snippet forked
thousands of times costs a view what one forked ``FORKS_SHOWN + 1`` times does."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from apps.snippets.models import FORKS_SHOWN, Snippet

pytestmark = pytest.mark.django_db


def fork(parent_id, n, **fields):
    """A fork made ``n`` minutes after the start of the day, so that their order is known."""
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    return Snippet.objects.create(content=f"fork {n}\n", parent_id=parent_id, title=f"fork {n}",
                                  created_at=start + timedelta(minutes=n), **fields)


def listed_forks(page):
    return re.findall(r">(fork \d+)</a>", page)


def test_the_newest_forks_are_listed_and_the_page_says_there_are_more(client, paste):
    parent = paste("one\n")
    for n in range(FORKS_SHOWN + 10):
        fork(parent["id"], n)
    page = client.get(f"/s/{parent['id']}").get_data(as_text=True)
    shown = listed_forks(page)
    assert shown == [f"fork {n}" for n in range(FORKS_SHOWN + 9, 9, -1)]  # newest first
    assert f"Forks (the {FORKS_SHOWN} newest):" in page


def test_the_family_query_reads_one_fork_more_than_it_shows_whatever_their_number(paste):
    parent = paste("one\n")
    for n in range(FORKS_SHOWN + 10):
        fork(parent["id"], n)
    family = list(Snippet.objects.family(parent["id"]))
    assert len(family) == 1 + FORKS_SHOWN + 1


def test_expired_removed_and_burn_forks_take_no_place_in_the_list(client, paste):
    parent = paste("one\n")
    for n in range(FORKS_SHOWN):
        fork(parent["id"], n)
    late = FORKS_SHOWN + 1
    fork(parent["id"], late, expires_at=timezone.now() - timedelta(seconds=1))
    fork(parent["id"], late + 1, removed_at=timezone.now())
    fork(parent["id"], late + 2, burn_after_reading=True)
    page = client.get(f"/s/{parent['id']}").get_data(as_text=True)
    assert len(listed_forks(page)) == FORKS_SHOWN
    assert "newest):" not in page  # nothing more to say: the hidden ones are not forks to show


def test_a_kept_page_says_there_are_more_once_one_more_fork_is_made(client, paste):
    parent = paste("one\n")
    for n in range(FORKS_SHOWN):
        fork(parent["id"], n)
    assert "newest):" not in client.get(f"/s/{parent['id']}").get_data(as_text=True)
    fork(parent["id"], -1)  # older than all: the list shown stays the same, the "more" does not
    assert f"Forks (the {FORKS_SHOWN} newest):" in client.get(f"/s/{parent['id']}").get_data(as_text=True)


def sqlite_steps(run):
    """How many SQLite virtual-machine instructions ``run()`` takes (a measure of rows read
    that does not depend on the machine's speed)."""
    connection.ensure_connection()
    steps = [0]

    def count():
        steps[0] += 1
        return 0

    connection.connection.set_progress_handler(count, 1)
    try:
        run()
    finally:
        connection.connection.set_progress_handler(None, 1)
    return steps[0]


def test_burn_and_removed_forks_cost_a_view_nothing(paste):
    """Anyone can fork a snippet as burn-after-reading, by the thousand: the family query must
    not read past them (it did, through the index of all forks: 20,000 made the parent's page
    6 times slower on the gunicorn bench, 9 ms against 1.5 ms)."""
    if connection.vendor != "sqlite":
        pytest.skip("counts SQLite's instructions")
    quiet, forked = paste("one\n")["id"], paste("two\n")["id"]
    fork(quiet, 0)
    fork(forked, 0)
    for n in range(1, 301):
        fork(forked, n, **({"burn_after_reading": True} if n % 2 else {"removed_at": timezone.now()}))
    alone = sqlite_steps(lambda: list(Snippet.objects.family(quiet)))
    hidden = sqlite_steps(lambda: list(Snippet.objects.family(forked)))
    assert hidden < alone * 1.5, (alone, hidden)


def test_a_kept_page_costs_the_cache_a_small_key_whatever_it_shows(client, paste):
    """A page's key holds everything it shows (here fifty forks' long titles: about 10 KB), which
    the cache's byte budget does not count; it is kept under its id, its number and a digest."""
    from django.apps import apps

    parent = paste("one\n")
    for n in range(FORKS_SHOWN):
        Snippet.objects.create(content=f"fork {n}\n", parent_id=parent["id"], title=f"fork {n} " + "x" * 190)
    page = client.get(f"/s/{parent['id']}").get_data()
    assert client.get(f"/s/{parent['id']}").get_data() == page  # served from the cache
    keys = [key for key in apps.get_app_config("snippets").pages.keys() if key[0] == parent["id"]]
    assert len(keys) == 1 and len(repr(keys[0])) < 200
