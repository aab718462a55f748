"""The diff viewer's urlencoded forms are read in bounded memory (``apps.urlencoded``)."""

from apps.diffviewer import forms


def test_a_big_form_of_short_lines_is_read_without_a_million_small_strings():
    """2 MB of one-character lines: the standard library held ~120 MB for a moment."""
    import tracemalloc

    body = b"left=" + b"a%0A" * 1_000_000 + b"&right=b"
    tracemalloc.start()
    try:
        fields = forms.urlencoded(body, max_fields=64)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert fields == {"left": "a\n" * 1_000_000, "right": "b"}
    assert peak < 20_000_000, peak
