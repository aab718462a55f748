"""Conditional GET of what never changes between releases: the catalogs and the stylesheets.

Werkzeug's rules: If-None-Match is a list of tags compared weakly (``W/`` ignored), ``*``
matches, a tag matches only whole; HEAD is answered like GET; a failed If-Match is 412, as
JSON like every other error. A 304 keeps the caching headers of the 200 and adds no Date
(the server sends that)."""

import pytest

PATHS = ["/api/lexers", "/api/styles", "/styles/monokai.css", "/styles/default.css?selector=.code"]


@pytest.fixture(params=PATHS)
def resource(request, api):
    """(path, its 200 answer)."""
    response = api.get(request.param)
    assert response.status_code == 200
    return request.param, response


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_its_own_etag_gives_304_with_the_caching_headers(api, resource, method):
    path, full = resource
    response = api.open(path, method=method, headers={"If-None-Match": full.headers["ETag"]})
    assert response.status_code == 304 and response.data == b""
    for header in ("ETag", "Cache-Control", "X-Highlighter-Version"):
        assert response.headers[header] == full.headers[header]
    assert "Date" not in response.headers and "Date" not in full.headers


@pytest.mark.parametrize("if_none_match", ["{etag}", "W/{etag}", '"other", {etag}', '"a",W/{etag},"b"', "*"])
def test_a_list_a_weak_tag_or_a_star_that_holds_it_gives_304(api, resource, if_none_match):
    path, full = resource
    header = if_none_match.format(etag=full.headers["ETag"])
    assert api.get(path, headers={"If-None-Match": header}).status_code == 304


@pytest.mark.parametrize("if_none_match", ['{shorter}"', '"x{inner}"', '"{inner}x"', '"other", "more"'])
def test_a_tag_that_is_only_part_of_the_etag_or_contains_it_does_not_match(api, resource, if_none_match):
    path, full = resource
    etag = full.headers["ETag"]
    header = if_none_match.format(shorter=etag[:-2], inner=etag.strip('"'))
    response = api.get(path, headers={"If-None-Match": header})
    assert response.status_code == 200 and response.data == full.data


def test_if_modified_since_alone_is_not_a_reason_for_304(api, resource):
    """The answers have ETags and no Last-Modified: only If-None-Match can match."""
    path, full = resource
    response = api.get(path, headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})
    assert response.status_code == 200 and response.data == full.data


def test_a_failed_if_match_is_412_as_json(api, resource):
    path, full = resource
    failed = api.get(path, headers={"If-Match": '"other"'})
    assert failed.status_code == 412 and failed.headers["Cache-Control"] == "no-store"
    assert set(failed.get_json()["error"]) == {"code", "message"}
    assert api.get(path, headers={"If-Match": full.headers["ETag"]}).status_code == 200
