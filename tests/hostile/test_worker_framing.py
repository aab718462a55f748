"""How the buffering worker reads a request's framing as its bytes arrive (composite.arrival).

The spec: the same bytes give the same request whatever pieces they arrive in; the work done
is proportional to the bytes fed, never their square; a chunked body is decoded and handed on
with a Content-Length; what the worker cannot serve is refused with a status and a sentence.
"""

import json

import pytest

from composite.arrival import INCOMPLETE, ODD, REFUSED, WHOLE, Arrival, Limits

LIMITS = Limits(head_bytes=827_000, body_bytes=16 * 1024 * 1024, chunks=16384)
CHUNKED_HEAD = b"POST /diff/api/diff HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"


def fed(data, piece=None, limits=LIMITS):
    """An Arrival fed ``data`` in pieces of ``piece`` bytes (all at once when None), until it
    stops being incomplete; also returns how many feeds it took."""
    arrival, feeds = Arrival(limits), 0
    piece = piece or len(data)
    for start in range(0, len(data), piece):
        feeds += 1
        if arrival.feed(data[start:start + piece]) != INCOMPLETE:
            break
    return arrival, feeds


def one_byte_chunks(text):
    return b"".join(b"1\r\n" + bytes([c]) + b"\r\n" for c in text) + b"0\r\n\r\n"


@pytest.mark.parametrize("piece", [None, 1, 2, 3, 5, 7, 64, 4096], ids=lambda p: f"pieces-of-{p}")
def test_a_chunked_request_reads_the_same_whatever_pieces_it_arrives_in(piece):
    body = b"4;name=value\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: dropped\r\n\r\n"
    arrival, _ = fed(CHUNKED_HEAD + body + b"GET /next HTTP/1.1\r\n", piece)
    assert arrival.state == WHOLE
    assert arrival.request == (b"POST /diff/api/diff HTTP/1.1\r\nHost: x\r\nContent-Length: 23\r\n\r\n"
                               b"Wikipedia in\r\n\r\nchunks.")
    if piece is None:
        assert arrival.rest == b"GET /next HTTP/1.1\r\n"  # a pipelined request stays for later


@pytest.mark.parametrize("piece", [None, 1, 3, 1000])
def test_a_content_length_request_reads_the_same_whatever_pieces_it_arrives_in(piece):
    request = b"POST /api/snippets HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world"
    arrival, _ = fed(request + b"GET /", piece)
    assert (arrival.state, arrival.request) == (WHOLE, request)


def test_a_request_without_a_body_is_whole_at_the_end_of_its_head():
    arrival, _ = fed(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert arrival.state == WHOLE and arrival.charge < 100


@pytest.mark.parametrize("piece", [1, 6, 7, 1000, 65536])
def test_one_byte_chunks_cost_work_proportional_to_their_bytes(piece):
    """Each byte is looked at once, plus at most 3 bytes again per feed (where a CRLF may
    straddle two feeds): a body of a thousand times more chunks costs a thousand times more."""
    for count in (100, 10_000):
        body = CHUNKED_HEAD + one_byte_chunks(b"A" * count)
        arrival, feeds = fed(body, piece)
        assert arrival.state == WHOLE and arrival.request.endswith(b"\r\n\r\n" + b"A" * count)
        assert arrival.examined <= len(body) + 3 * feeds


def test_a_head_trickled_a_byte_at_a_time_is_searched_once():
    head = b"GET / HTTP/1.1\r\n" + b"".join(b"X-Header-%d: %s\r\n" % (i, b"v" * 50) for i in range(90)) + b"\r\n"
    arrival, feeds = fed(head, 1)
    assert arrival.state == WHOLE
    assert arrival.examined <= len(head) + 3 * feeds


def test_more_chunks_than_the_cap_are_refused_with_413_and_a_way_out():
    limits = Limits(head_bytes=LIMITS.head_bytes, body_bytes=LIMITS.body_bytes, chunks=1000)
    at_the_cap, _ = fed(CHUNKED_HEAD + one_byte_chunks(b"B" * 1000), limits=limits)
    assert at_the_cap.state == WHOLE
    over, _ = fed(CHUNKED_HEAD + one_byte_chunks(b"B" * 1001), 1, limits=limits)
    assert over.state == REFUSED and over.refusal.status == 413
    assert "more than 1,000 chunks" in over.refusal.message and "Content-Length" in over.refusal.message


def test_a_body_over_the_largest_is_refused_by_its_content_length_before_it_is_read():
    arrival, _ = fed(b"POST /diff/api/diff HTTP/1.1\r\nHost: x\r\nContent-Length: 16777217\r\n\r\n")
    assert arrival.state == REFUSED and arrival.refusal.status == 413
    assert "16,777,216 bytes at most" in arrival.refusal.message


@pytest.mark.parametrize("size", [b"1000001", b"7fffffff", b"f" * 40])
def test_a_chunk_over_the_largest_body_is_refused_before_its_data(size):
    arrival, _ = fed(CHUNKED_HEAD + size + b"\r\n")
    assert arrival.state == REFUSED and arrival.refusal.status == 413


@pytest.mark.parametrize(("body", "says"), [
    (b"0" * 2000, "a chunk-size line does not end"),
    (b"zz\r\n", "is not a chunk size"),
    (b"5\r\nhello!!\r\n", "longer than its size"),
    (b"5;bad ext\r\nhello\r\n", "chunk extension"),
    (b"5\nhello\r\n", "does not end with CRLF"),
])
def test_malformed_chunked_bodies_are_refused_with_400_saying_what_is_wrong(body, says):
    arrival, _ = fed(CHUNKED_HEAD + body, 1)
    assert arrival.state == REFUSED and arrival.refusal.status == 400
    assert says in arrival.refusal.message


@pytest.mark.parametrize("fields", [
    b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
    b"Content-Length: 5\r\nContent-Length: 7\r\n",
    b"Content-Length: -1\r\n",
    b"Content-Length: 1e3\r\n",
    b"Transfer-Encoding: chunked, identity\r\n",
    b"Transfer-Encoding : chunked\r\n",
    b"Transfer-Encoding: chunked\r\n folded\r\n",
], ids=["both-framings", "two-lengths", "negative", "not-a-number", "not-ending-in-chunked", "space-before-colon",
        "folded"])
def test_framings_that_are_not_plainly_well_formed_go_to_gunicorn_to_refuse_at_once(fields):
    arrival, _ = fed(b"POST /api/snippets HTTP/1.1\r\nHost: x\r\n" + fields + b"\r\nsome body")
    assert arrival.state == ODD
    assert arrival.request.endswith(b"\r\n\r\nsome body")  # what arrived, unchanged


def test_chunked_http_1_0_goes_to_gunicorn_to_refuse():
    arrival, _ = fed(b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    assert arrival.state == ODD


def test_other_transfer_codings_are_refused_with_501():
    arrival, _ = fed(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
    assert arrival.state == REFUSED and arrival.refusal.status == 501


def test_a_head_longer_than_gunicorn_allows_goes_to_gunicorn_at_once():
    arrival, _ = fed(b"GET / HTTP/1.1\r\nX: " + b"a" * (LIMITS.head_bytes + 10), 65536)
    assert arrival.state == ODD


def test_a_content_length_body_reserves_its_whole_length_as_soon_as_its_head_is_in():
    arrival, _ = fed(b"POST /diff/api/diff HTTP/1.1\r\nHost: x\r\nContent-Length: 12000000\r\n\r\nabc")
    assert arrival.state == INCOMPLETE and arrival.charge > 12_000_000


def test_refusals_are_json_for_apis_and_plain_text_for_pages():
    api, _ = fed(b"POST /diff/api/diff HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n")
    page, _ = fed(b"POST /diff/ HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n")
    head, _, body = api.refusal.response(api.wants_json()).partition(b"\r\n\r\n")
    assert b"HTTP/1.1 413 Content Too Large" in head and b"Connection: close" in head
    assert json.loads(body)["error"]["code"] == "too_large"
    head, _, body = page.refusal.response(page.wants_json()).partition(b"\r\n\r\n")
    assert b"Content-Type: text/plain; charset=utf-8" in head and body.startswith(b"The request body is larger")


def test_a_head_asking_for_100_continue_is_noticed():
    arrival, _ = fed(b"POST /api/snippets HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")
    assert arrival.state == INCOMPLETE and arrival.expects_continue and arrival.body_started
