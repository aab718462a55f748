"""Conditional GET of a snippet's text (raw and download): Django's If-None-Match rules.

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


def test_if_modified_since_alone_is_not_a_reason_for_304(client, text):
    """The text has an ETag and no Last-Modified, so only If-None-Match can match."""
    path, _ = text
    response = client.get(path, headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})
    assert response.status_code == 200


def test_a_failed_if_match_is_412(client, text):
    path, etag = text
    assert client.get(path, headers={"If-Match": '"other"'}).status_code == 412
    assert client.get(path, headers={"If-Match": etag}).status_code == 200


def test_a_burn_after_reading_text_is_never_answered_304(client, paste):
    snippet = paste("gone after one read\n", burn="on")
    response = client.get(f"/s/{snippet['id']}/raw", headers={"If-None-Match": "*"})
    assert response.status_code == 200 and response.data == b"gone after one read\n"
    assert response.headers["Cache-Control"] == "no-store, private"
