"""Conditional GET of a snippet's text (raw and download): Django's If-None-Match rules, and
dates against the snippet's creation (its text never changes, so that is its Last-Modified).

The ETag is the text's SHA-256 in quotes. A client's list of tags is compared weakly
(``W/`` ignored), ``*`` matches any current text, and a tag is matched whole: one that is
only part of the ETag, or contains it, is another tag (this used to be a substring test,
which also took ``*`` for no match and a tag glued to other text for a match). A 304 carries the same caching
headers as the 200 would."""

import pytest

pytestmark = pytest.mark.django_db

PATHS = ["/s/{}/raw", "/s/{}/download"]


@pytest.fixture
def text(client, paste):
    """(path, ETag) of a fresh snippet's raw text."""
    snippet = paste("print('conditional')\n")
    path = f"/s/{snippet['id']}/raw"
    return path, client.get(path).headers["ETag"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_its_own_etag_gives_304_with_the_caching_headers(client, paste, path, method):
    path = path.format(paste()["id"])
    etag = client.get(path).headers["ETag"]
    response = client.open(path, method=method, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.data == b""
    assert response.headers["ETag"] == etag and response.headers["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize("if_none_match", [
    "{etag}",
    'W/{etag}',
    '"other", {etag}',
    '"other",W/{etag} , "more"',
    "*",
])
def test_a_list_a_weak_tag_or_a_star_that_holds_it_gives_304(client, text, if_none_match):
    path, etag = text
    assert client.get(path, headers={"If-None-Match": if_none_match.format(etag=etag)}).status_code == 304


@pytest.mark.parametrize("if_none_match", [
    '{shorter}"',  # the ETag less its last digit: a substring of it
    '{inner}',  # the digest without its quotes
    '"x{inner}"',  # a tag that contains the ETag's digest
    '"{inner}x"',
    '{etag}x',  # glued to other text: no tag at all
    'W/W/{etag}',
    '"other", "more"',
])
def test_a_tag_that_is_only_part_of_the_etag_or_contains_it_does_not_match(client, text, if_none_match):
    path, etag = text
    header = if_none_match.format(etag=etag, shorter=etag[:-2], inner=etag.strip('"'))
    response = client.get(path, headers={"If-None-Match": header})
    assert response.status_code == 200 and response.data == b"print('conditional')\n"


def created(snippet_id):
    """The snippet's creation time, the text's last modification, as an HTTP date and seconds."""
    from django.utils.http import http_date

    from apps.snippets.models import Snippet

    seconds = int(Snippet.objects.get(pk=snippet_id).created_at.timestamp())
    return http_date(seconds), seconds


@pytest.mark.parametrize("path", PATHS)
def test_if_unmodified_since_is_412_only_for_a_date_before_the_snippet_was_created(client, paste, path):
    """Resuming downloaders (``curl -z -date``) send it; the text has not changed since it was made."""
    from django.utils.http import http_date

    snippet = paste("print('conditional')\n")
    path = path.format(snippet["id"])
    when, seconds = created(snippet["id"])
    for since in (when, http_date(seconds + 3600), "Fri, 01 Jan 2100 00:00:00 GMT"):
        response = client.get(path, headers={"If-Unmodified-Since": since})
        assert response.status_code == 200 and response.data == b"print('conditional')\n", since
    for since in (http_date(seconds - 1), "Sat, 01 Jan 2000 00:00:00 GMT"):
        assert client.get(path, headers={"If-Unmodified-Since": since}).status_code == 412, since


@pytest.mark.parametrize("path", PATHS)
def test_if_modified_since_the_creation_or_later_is_304_and_earlier_is_the_text(client, paste, path):
    from django.utils.http import http_date

    snippet = paste("print('conditional')\n")
    path = path.format(snippet["id"])
    when, seconds = created(snippet["id"])
    assert client.get(path).headers["Last-Modified"] == when
    for since in (when, "Fri, 01 Jan 2100 00:00:00 GMT"):
        response = client.get(path, headers={"If-Modified-Since": since})
        assert response.status_code == 304 and response.data == b"", since
        assert response.headers["Cache-Control"] == "private, no-cache"
    response = client.get(path, headers={"If-Modified-Since": http_date(seconds - 1)})
    assert response.status_code == 200 and response.data == b"print('conditional')\n"


def test_if_none_match_outranks_if_modified_since(client, text):
    """RFC 9110: with If-None-Match, If-Modified-Since is ignored; another tag means the text is sent."""
    path, _ = text
    headers = {"If-None-Match": '"other"', "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}
    assert client.get(path, headers=headers).status_code == 200


def test_a_failed_if_match_is_412(client, text):
    path, etag = text
    assert client.get(path, headers={"If-Match": '"other"'}).status_code == 412
    assert client.get(path, headers={"If-Match": etag}).status_code == 200


@pytest.mark.parametrize("headers", [
    {"If-None-Match": "*"},
    {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"},
])
def test_a_burn_after_reading_text_is_never_answered_304(client, paste, headers):
    snippet = paste("gone after one read\n", burn="on")
    response = client.post(f"/s/{snippet['id']}/raw", headers=headers)
    assert response.status_code == 200 and response.data == b"gone after one read\n"
    assert response.headers["Cache-Control"] == "no-store, private"
    assert "Last-Modified" not in response.headers
