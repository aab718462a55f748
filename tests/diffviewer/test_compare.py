"""/compare: diff two texts fetched by reference, and refuse every reference it may not fetch.

Refusals are decided from the reference's text before any request is sent; the ``listener``
fixture is a port that records connections, so "no request was sent" is checked, not assumed.
"""

import hashlib
from urllib.parse import urlencode

import pytest
from werkzeug.test import Client


def compare(client, prefix="", **args):
    return client.get(f"{prefix}/compare?{urlencode(args)}")


@pytest.fixture
def allowed(make_app, origin):
    """The diff viewer alone, allowed to fetch from the ``origin`` server only."""
    return Client(make_app(DIFF_ALLOWED_ORIGINS=origin.url, DIFF_MAX_BYTES=100_000, DIFF_FETCH_TIMEOUT=2.0))


def test_two_texts_from_an_allowed_origin_are_diffed(allowed, origin):
    response = compare(allowed, left=f"{origin.url}/a.txt", right=f"{origin.url}/b.txt")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<del>two</del>" in page and "<ins>2</ins>" in page
    assert f'href="{origin.url}/a.txt"' in page, "a checked reference may be shown as a link"


def test_the_patch_of_a_compare_is_a_get_away(allowed, origin):
    response = compare(allowed, left=f"{origin.url}/a.txt", right=f"{origin.url}/b.txt", format="patch")
    assert response.mimetype == "text/x-diff"
    assert "-two\n+2\n" in response.get_data(as_text=True)
    page = compare(allowed, left=f"{origin.url}/a.txt", right=f"{origin.url}/b.txt").get_data(as_text=True)
    assert "format=patch" in page and "Download .patch" in page


def test_the_declared_charset_is_honoured(allowed, origin):
    response = compare(allowed, left=f"{origin.url}/latin1.txt", right=f"{origin.url}/a.txt", format="patch")
    assert "-café\n" in response.get_data(as_text=True)


def test_a_redirect_within_the_allowed_origin_is_followed(allowed, origin):
    response = compare(allowed, left=f"{origin.url}/redirect-in", right=f"{origin.url}/b.txt", format="patch")
    assert response.status_code == 200
    assert "-two\n+2\n" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/redirect-out", "/redirect-userinfo"])
def test_a_redirect_that_leaves_the_allowed_origins_is_refused_before_following_it(allowed, origin, listener, path):
    response = compare(allowed, left=f"{origin.url}{path}", right=f"{origin.url}/b.txt")
    assert response.status_code == 400
    assert "refused" in response.get_data(as_text=True)
    assert listener.connections == 0


def test_a_redirect_loop_is_cut_short(allowed, origin):
    response = compare(allowed, left=f"{origin.url}/redirect-loop", right=f"{origin.url}/b.txt")
    assert response.status_code == 400
    assert "redirected more than" in response.get_data(as_text=True)
    assert len(origin.requests) <= 4


@pytest.mark.parametrize(
    "path, reason",
    [
        ("/huge-declared", "the limit is"),
        ("/huge-streamed", "larger than the limit"),
        ("/image.png", "not text"),
        ("/nul.txt", "binary"),
        ("/bad-utf8.txt", "could not be decoded"),
        ("/missing", "answered 404"),
    ],
)
def test_unusable_answers_are_refused_with_a_clear_page(allowed, origin, path, reason):
    response = compare(allowed, left=f"{origin.url}{path}", right=f"{origin.url}/b.txt")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert reason in response.get_data(as_text=True)


def refused_refs(listener_port, allowed_origin):
    """References that must never be fetched when only ``allowed_origin`` is allowed."""
    host_port = allowed_origin.split("//")[1]
    return [
        f"http://127.0.0.1:{listener_port}/a.txt",  # another port on loopback
        f"http://localhost:{listener_port}/a.txt",
        f"https://{host_port}/a.txt",  # the right host and port, another scheme
        f"http://{host_port}@127.0.0.1:{listener_port}/a.txt",  # userinfo trick
        f"http://user:pw@{host_port}/a.txt",  # any userinfo at all
        f"http://127.0.0.1%3A{listener_port}/a.txt",  # escaped colon in the host
        f"http://127.0.0.1:{listener_port}%2F@{host_port}/a.txt",
        f"http://{host_port}\\@127.0.0.1:{listener_port}/a.txt",  # backslash parsers disagree on
        f"http://127.0.0.1:{listener_port}#@{host_port}/a.txt",
        f"http://127.0.0.1:{listener_port}?@{host_port}/a.txt",
        f"//127.0.0.1:{listener_port}/a.txt",  # scheme-relative
        f" http://127.0.0.1:{listener_port}/a.txt",
        f"http://0x7f000001:{listener_port}/a.txt",  # other spellings of loopback
        f"http://2130706433:{listener_port}/a.txt",
        f"http://[::ffff:127.0.0.1]:{listener_port}/a.txt",
        "file:///etc/passwd",
        f"ftp://{host_port}/a.txt",
        "javascript:alert(1)",
        "gopher://127.0.0.1:6379/_INFO",
        f"http://127.0.0.1:{listener_port}\r\nHost: x/a.txt",
        "http://ехаmple.com/a.txt",
        f"http://{host_port}:99999/a.txt",
    ]


def test_references_outside_the_allowed_origins_are_refused_without_a_request(allowed, origin, listener):
    for ref in refused_refs(listener.port, origin.url):
        response = compare(allowed, left=ref, right=f"{origin.url}/b.txt")
        assert response.status_code == 400, ref
        assert "refused" in response.get_data(as_text=True), ref
    assert listener.connections == 0
    assert origin.requests == [], "the allowed right side is not fetched when the left one is refused"


def test_standalone_without_allowed_origins_refuses_everything_and_says_why(standalone, listener):
    for ref in [f"http://127.0.0.1:{listener.port}/a.txt", "/s/abc/raw", "https://paste.example.com/s/x/raw"]:
        response = compare(standalone, left=ref, right=ref)
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "DIFF_ALLOWED_ORIGINS is empty" in page or "only be fetched when the diff viewer runs inside the site" in page
    assert listener.connections == 0


def test_missing_references_are_a_clear_400(standalone):
    response = standalone.get("/compare")
    assert response.status_code == 400
    assert "Give the left reference" in response.get_data(as_text=True)


def test_a_refused_reference_is_shown_as_text_never_as_a_link(allowed, origin):
    ref = "javascript:alert(document.cookie)//<b>x</b>"
    page = compare(allowed, left=ref, right=f"{origin.url}/b.txt").get_data(as_text=True)
    assert 'href="javascript:' not in page
    assert "<b>x</b>" not in page
    assert "<dt>Left reference</dt><dd><code>javascript:alert(document.cookie)//&lt;b&gt;x&lt;/b&gt;</code></dd>" in page


def test_a_long_or_odd_refused_reference_is_shown_cut_short_with_its_controls_escaped(allowed, origin):
    ref = "ftp://host/\x1b[31m\r\n" + "y" * 300
    page = compare(allowed, left=f"{origin.url}/a.txt", right=ref).get_data(as_text=True)
    shown = page.split("<dt>Right reference</dt><dd><code>")[1].split("</code>")[0]
    assert shown == "ftp://host/\\x1b[31m\\r\\n" + "y" * 182 + "…"
    assert "\x1b" not in page


def test_a_refused_redirect_shows_the_reference_and_where_it_led(allowed, origin, listener):
    page = compare(allowed, left=f"{origin.url}/redirect-out", right=f"{origin.url}/b.txt").get_data(as_text=True)
    assert f"<dt>Left reference</dt><dd><code>{origin.url}/redirect-out</code></dd>" in page
    assert f"<dt>Redirected to</dt><dd><code>http://127.0.0.1:{listener.port}/a.txt</code></dd>" in page


def test_a_reference_refused_after_fetching_is_shown_too(allowed, origin):
    page = compare(allowed, left=f"{origin.url}/missing", right=f"{origin.url}/b.txt").get_data(as_text=True)
    assert "answered 404" in page
    assert f"<dt>Left reference</dt><dd><code>{origin.url}/missing</code></dd>" in page


# ---- co-mounted: site paths through the composite, no socket ----

def make_snippet(content):
    from apps.snippets.models import Snippet

    return Snippet.objects.create(
        content=content, size=len(content.encode()), sha256=hashlib.sha256(content.encode()).hexdigest()
    )


@pytest.mark.django_db
def test_co_mounted_site_paths_are_fetched_in_process(client, listener):
    old = make_snippet("def f():\n    return 1\n")
    new = make_snippet("def f():\n    return 2\n")
    response = compare(client, "/diff", left=f"/s/{old.id}/raw", right=f"/s/{new.id}/raw")
    assert response.status_code == 200, response.get_data(as_text=True)[-500:]
    page = response.get_data(as_text=True)
    assert "<del>1</del>" in page and "<ins>2</ins>" in page
    assert f'href="/s/{old.id}"' in page, "the heading links to the snippet's page (its raw answer names it)"
    assert listener.connections == 0


@pytest.mark.django_db
def test_a_missing_snippet_is_a_clear_404(client):
    response = compare(client, "/diff", left="/s/doesnotexist/raw", right="/s/doesnotexist/raw")
    assert response.status_code == 404
    assert "The left snippet cannot be compared. It does not exist, or it was deleted." in response.get_data(as_text=True)


def test_co_mounted_absolute_urls_still_need_an_allowed_origin(client, listener):
    response = compare(client, "/diff", left=f"http://127.0.0.1:{listener.port}/x", right="/s/x/raw")
    assert response.status_code == 400
    assert listener.connections == 0


def test_compare_cannot_fetch_compare(client):
    """A reference to /diff/compare would make the site call itself recursively."""
    inner = "/diff/compare?" + urlencode({"left": "/s/a/raw", "right": "/s/b/raw"})
    response = compare(client, "/diff", left=inner, right=inner)
    assert response.status_code == 400
    assert "cannot fetch another compare page" in response.get_data(as_text=True)


def test_a_long_reference_is_no_file_name(allowed, origin):
    """A reference names its side in the heading (cut short), never as the patch's file name."""
    ref = f"{origin.url}/a.txt?" + "x" * 1000
    response = compare(allowed, left=ref, right=f"{origin.url}/b.txt", format="patch")
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("--- a\n+++ b\n")
    page = compare(allowed, left=ref, right=f"{origin.url}/b.txt").get_data(as_text=True)
    assert f">{ref[:200]}…</a>" in page


# ---- every parameter before any fetch; burn-after-reading is never burned (issue 9) ----

@pytest.mark.parametrize("bad", [
    {"left_name": "a\nb"},
    {"right_name": "x" * 256},
    {"context": "-1"},
    {"whitespace": "some"},
    {"view": "sideways"},
    {"word_diff": "maybe"},
    {"ignore_blank_lines": "2"},
    {"lexer": "\x00"},
    {"format": "pdf"},
])
def test_a_bad_parameter_is_refused_before_anything_is_fetched(allowed, origin, bad):
    """A fetch has effects elsewhere (the paste site serves it), so a request that will fail makes none."""
    response = compare(allowed, left=f"{origin.url}/a.txt", right=f"{origin.url}/b.txt", **bad)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert origin.requests == []


def test_every_fetch_says_it_is_the_diff_viewer_fetching_for_its_own_use(allowed, origin):
    from apps import sitewide

    compare(allowed, left=f"{origin.url}/a.txt", right=f"{origin.url}/b.txt")
    assert [headers.get(sitewide.APP_FETCH_HEADER) for headers in origin.headers_seen] == ["diffviewer"] * 2


def test_a_paste_sites_burn_after_reading_refusal_is_said_plainly(allowed, origin):
    response = compare(allowed, left=f"{origin.url}/burn", right=f"{origin.url}/b.txt")
    assert response.status_code == 409 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "burn-after-reading and was not opened; it cannot be compared" in page
    assert 'data-code="burn_after_reading"' in page


def test_another_refusal_is_an_ordinary_failed_fetch(allowed, origin):
    response = compare(allowed, left=f"{origin.url}/forbidden", right=f"{origin.url}/b.txt")
    assert response.status_code == 400
    assert "answered 403" in response.get_data(as_text=True)


@pytest.mark.django_db
def test_a_burn_snippet_compared_in_the_composite_stays_unburned(client):
    """End to end: the paste site refuses the diff viewer, and the one person reading it still can."""
    from apps.snippets.models import Snippet

    secret = make_snippet("the secret\n")
    Snippet.objects.filter(pk=secret.pk).update(burn_after_reading=True)
    other = make_snippet("public\n")
    for left, right in ((f"/s/{secret.id}/raw", f"/s/{other.id}/raw"), (f"/s/{other.id}/raw", f"/s/{secret.id}/raw")):
        response = compare(client, "/diff", left=left, right=right)
        assert response.status_code == 409
        assert "burn-after-reading and was not opened" in response.get_data(as_text=True)
    assert compare(client, "/diff", left=f"/s/{secret.id}/raw", right="/s/x/raw", left_name="a\n").status_code == 400
    assert Snippet.objects.filter(pk=secret.pk).exists(), "the diff viewer burned it"
    read = client.post(f"/s/{secret.id}/raw")  # a person's program reads it (a GET opens nothing)
    assert read.status_code == 200 and read.get_data(as_text=True) == "the secret\n"
    assert client.post(f"/s/{secret.id}/raw").status_code in (404, 410)


def test_a_compare_page_asks_nobody_for_the_forms_language_menu(fake_highlighter, allowed, origin, monkeypatch):
    """The menu belongs to the form, which /compare does not show: the page makes no request to
    the highlighter for it (while it does not answer, each would wait on the menu's lock)."""
    from apps.diffviewer import languages

    asked = []
    fetch = languages.fetch
    monkeypatch.setattr(languages, "fetch", lambda *args: asked.append(args) or fetch(*args))
    languages.forget()
    assert compare(allowed, left=f"{origin.url}/a.txt", right=f"{origin.url}/b.txt").status_code == 200
    assert asked == []
    assert allowed.get("/").status_code == 200  # the form itself does ask
    assert len(asked) == 1
