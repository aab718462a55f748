"""Urlencoded forms are unquoted a slice at a time, with the standard library's result."""

from urllib.parse import quote_plus, unquote_to_bytes

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.diffviewer import forms

texts = st.text(st.sampled_from("a b%+\n\xe9&=\u20ac\r"), max_size=80)


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(min_value=3, max_value=9))
def test_slices_never_split_an_escape(text, slice_size):
    forms.UNQUOTE_SLICE, saved = slice_size, forms.UNQUOTE_SLICE
    try:
        quoted = quote_plus(text).encode()
        assert forms.unquote_plus(quoted) == text.encode()
        broken = quoted + b"%4%zz%"  # stray percent signs stay as they are, as urllib leaves them
        assert forms.unquote_plus(broken) == unquote_to_bytes(broken.replace(b"+", b" "))
    finally:
        forms.UNQUOTE_SLICE = saved


def test_a_big_form_of_short_lines_is_read_without_a_million_small_strings():
    """2 MB of one-character lines: the standard library held ~120 MB for a moment."""
    import tracemalloc

    body = b"left=" + b"a%0A" * 1_000_000 + b"&right=b"
    tracemalloc.start()
    try:
        fields = forms.urlencoded(body)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert fields == {"left": "a\n" * 1_000_000, "right": "b"}
    assert peak < 20_000_000, peak
