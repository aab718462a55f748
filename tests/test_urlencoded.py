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
    assert urlencoded.pairs(body.encode("latin-1")) == [(n.encode("latin-1"), v.encode("latin-1")) for n, v in expected]


def test_bytes_that_are_not_utf8_are_kept_for_the_caller_to_refuse():
    assert urlencoded.pairs(b"code=caf%E9&x=\xff&&flag") == [(b"code", b"caf\xe9"), (b"x", b"\xff"), (b"flag", b"")]


def test_more_fields_than_allowed_are_refused():
    assert len(urlencoded.pairs(b"a=1&" * 3 + b"&&", max_fields=3)) == 3  # empty pairs are not fields
    with pytest.raises(urlencoded.TooManyFields):
        urlencoded.pairs(b"a=1&" * 4, max_fields=3)
