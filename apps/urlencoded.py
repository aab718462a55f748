"""An ``application/x-www-form-urlencoded`` body as ``(name, value)`` byte pairs, in bounded memory.

Every app reads its form bodies here and then decodes each value with ``apps.textinput``: the
frameworks' own parsers decode leniently (bad bytes become U+FFFD or ``%FF``), so the bytes
must be had first. Values are unquoted in slices: the standard library's ``unquote`` splits a
value at every ``%``, and a 2 MB text of short lines (``a%0Ab%0A…``) became a million small
strings, 120 MB per field, for a moment.

Imports no web framework and no app.
"""

from collections.abc import Iterator
from urllib.parse import unquote_to_bytes

UNQUOTE_SLICE = 64 * 1024  # bytes of a value unquoted at a time


class TooManyFields(ValueError):
    """The body has more fields than the caller allows."""


def pairs(body: bytes, max_fields: int | None = None) -> Iterator[tuple[bytes, bytes]]:
    """``(name, value)`` byte pairs, in order, one at a time; ``+`` is a space, empty pairs are skipped.

    Too many fields raise ``TooManyFields`` here, before any pair is made (a cheap count of
    ``&`` first). The pairs are made as the caller asks for them, so a caller that keeps only
    the fields it knows never holds every field of the body at once.
    """
    if max_fields is not None and body.count(b"&") + 1 > max_fields:
        if sum(1 for _ in spans(body)) > max_fields:
            raise TooManyFields(f"more than {max_fields} fields")
    return (split_pair(body[start:stop]) for start, stop in spans(body))


def spans(body: bytes) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of each non-empty ``&``-separated pair, found in place (no list of pieces)."""
    start, end = 0, len(body)
    while start <= end:
        stop = body.find(b"&", start)
        if stop == -1:
            stop = end
        if stop > start:
            yield start, stop
        start = stop + 1


def split_pair(pair: bytes) -> tuple[bytes, bytes]:
    name, _, value = pair.partition(b"=")
    return unquote_plus(name), unquote_plus(value)


def unquote_plus(data: bytes) -> bytes:
    """``urllib.parse.unquote_plus`` for bytes, a slice at a time (never splitting a ``%XX``)."""
    if b"%" not in data:
        return data.replace(b"+", b" ")
    out = bytearray()
    start, end = 0, len(data)
    while start < end:
        stop = min(start + UNQUOTE_SLICE, end)
        if stop < end:
            cut = data.rfind(b"%", stop - 2, stop)  # an escape that would straddle the slice
            if cut > start:
                stop = cut
        out += unquote_to_bytes(data[start:stop].replace(b"+", b" "))
        start = stop
    return bytes(out)
