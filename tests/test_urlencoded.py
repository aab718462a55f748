"""apps/urlencoded.py: form bodies as byte pairs, as the standard library reads them, a slice at a time."""

from urllib.parse import parse_qsl, quote_plus, unquote_to_bytes

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps import urlencoded

texts = st.text(st.sampled_from("a b%+\n\xe9&=\u20ac\r"), max_size=80)


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(min_value=3, max_value=9))
def test_slices_never_split_an_escape(text, slice_size):
    urlencoded.UNQUOTE_SLICE, saved = slice_size, urlencoded.UNQUOTE_SLICE
    try:
        quoted = quote_plus(text).encode()
        assert urlencoded.unquote_plus(quoted) == text.encode()
        broken = quoted + b"%4%zz%"  # stray percent signs stay as they are, as urllib leaves them
        assert urlencoded.unquote_plus(broken) == unquote_to_bytes(broken.replace(b"+", b" "))
    finally:
        urlencoded.UNQUOTE_SLICE = saved


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("ab=&%+\xe9 "), max_size=40))
def test_pairs_are_what_the_standard_library_reads_as_bytes(body):
    expected = parse_qsl(body, keep_blank_values=True, encoding="latin-1")
    assert list(urlencoded.pairs(body.encode("latin-1"))) == [(n.encode("latin-1"), v.encode("latin-1")) for n, v in expected]


def test_bytes_that_are_not_utf8_are_kept_for_the_caller_to_refuse():
    assert list(urlencoded.pairs(b"code=caf%E9&x=\xff&&flag")) == [(b"code", b"caf\xe9"), (b"x", b"\xff"), (b"flag", b"")]


def test_more_fields_than_allowed_are_refused():
    assert len(list(urlencoded.pairs(b"a=1&" * 3 + b"&&", max_fields=3))) == 3  # empty pairs are not fields
    with pytest.raises(urlencoded.TooManyFields):  # at the call, before any pair is asked for
        urlencoded.pairs(b"a=1&" * 4, max_fields=3)


def test_pairs_are_made_one_at_a_time_not_all_held_at_once():
    """A caller that keeps only the fields it knows holds one pair at a time, not every pair:
    the same body read pair by pair peaks at a small part of what keeping every pair costs."""
    import tracemalloc

    body = b"ab&" * 300_000

    def peak(read):
        tracemalloc.start()
        try:
            read()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    def one_at_a_time():
        for _ in urlencoded.pairs(body):
            pass

    every_pair = peak(lambda: list(urlencoded.pairs(body)))
    assert peak(one_at_a_time) * 20 < every_pair
