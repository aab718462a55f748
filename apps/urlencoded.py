"""An ``application/x-www-form-urlencoded`` body as ``(name, value)`` byte pairs, in bounded memory.

Every app reads its form bodies here and then decodes each value with ``apps.textinput``: the
frameworks' own parsers decode leniently (bad bytes become U+FFFD or ``%FF``), so the bytes
must be had first. Values are unquoted in slices: the standard library's ``unquote`` splits a
value at every ``%``, and a 2 MB text of short lines (``a%0Ab%0A…``) became a million small
strings, 120 MB per field, for a moment.

Imports no web framework and no app.
"""

from urllib.parse import unquote_to_bytes

UNQUOTE_SLICE = 64 * 1024  # bytes of a value unquoted at a time


class TooManyFields(ValueError):
    """The body has more fields than the caller allows."""


def pairs(body: bytes, max_fields: int | None = None) -> list:
    """``[(name, value), …]`` as bytes, in order; ``+`` is a space, empty pairs are skipped."""
    if max_fields is not None and body.count(b"&") + 1 > max_fields:
        if sum(1 for pair in body.split(b"&") if pair) > max_fields:
            raise TooManyFields(f"more than {max_fields} fields")
    found = []
    for pair in body.split(b"&"):
        if pair:
            name, _, value = pair.partition(b"=")
            found.append((unquote_plus(name), unquote_plus(value)))
    return found


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
