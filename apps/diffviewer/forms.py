"""Form bodies (urlencoded or multipart) decoded strictly, so bad bytes are refused, not diffed.

Werkzeug decodes multipart fields with ``errors="replace"`` and re-quotes bad bytes in
urlencoded ones, so a text that is not UTF-8 would be compared as U+FFFD or ``%FF``. Here the
raw body is read within the request's size limits: urlencoded with ``apps.urlencoded``,
multipart with Werkzeug's own parser (``apps.formparts``); every field the diff viewer reads
is then decoded as every app decodes text (``apps.textinput``), and a field that does not
decode is an ``InputError`` naming it.
"""

from dataclasses import dataclass

from werkzeug.http import parse_options_header

from apps import formparts, textinput
from apps.diffviewer.inputs import API_FIELDS, InputError, refused_text
from apps.urlencoded import TooManyFields
from apps.urlencoded import pairs as form_pairs

FIELDS = frozenset(API_FIELDS + ("patch",))  # "patch": the review page's and /api/patch's


@dataclass(frozen=True)
class Upload:
    """A file part: the browser's file name (maybe empty) and its bytes, not yet decoded."""

    filename: str
    data: bytes


def parse(request, max_parts):
    """``(fields, uploads)`` of a form body, each a dict by name; a name sent twice is refused.

    Fields the diff viewer does not read are dropped; the others are text, strictly decoded.
    Any other content type gives two empty dicts, as Werkzeug's ``request.form`` would.
    """
    mimetype, options = parse_options_header(request.headers.get("Content-Type", ""))
    if mimetype == "application/x-www-form-urlencoded":
        return urlencoded(request.get_data(cache=False), max_parts), {}
    if mimetype == "multipart/form-data":
        return multipart(request.stream, options.get("boundary", ""), request.max_form_memory_size, max_parts)
    return {}, {}


def urlencoded(body, max_fields):
    """The fields the diff viewer reads, from ``name=value&…`` bytes (``apps.urlencoded``).

    More than ``max_fields`` fields is 413, as too many multipart parts is; the others are
    dropped as they are read, so the body's other fields are never all held at once.
    """
    fields = {}
    try:
        found = form_pairs(body, max_fields=max_fields)
    except TooManyFields:
        raise InputError("too_large", f"Too many form fields (at most {max_fields}).", 413) from None
    for raw_name, raw_value in found:
        name = raw_name.decode("utf-8", "replace")
        if name in FIELDS:
            refuse_twice(name, fields)
            fields[name] = strict_text(name, raw_value)
    return fields


def multipart(stream, boundary, max_field_bytes, max_parts):
    """Werkzeug's parser, with its limits on parts and field size; then the fields strictly decoded."""
    try:
        if not boundary:
            raise ValueError("no boundary")
        parts, files = formparts.parse(stream, boundary.encode("ascii"), max_parts=max_parts,
                                       max_field_bytes=max_field_bytes)
    except (ValueError, IndexError, AttributeError, TypeError):
        # Werkzeug would silently see an empty form; a clear answer is kinder.
        raise InputError("bad_request", "The body is not a valid multipart form.") from None
    uploads, fields = {}, {}
    for name, filename, data in files:
        refuse_twice(name, uploads)
        uploads[name] = Upload(filename, data)
    for name, data in parts:
        if name in FIELDS:
            refuse_twice(name, fields)
            fields[name] = strict_text(name, data)
    return fields, uploads


def refuse_twice(name, seen):
    """A field (or file) sent more than once is refused, as every app refuses it: which of the
    values was meant cannot be known."""
    if name in seen:
        raise InputError("bad_request", textinput.sent_twice(name))


def strict_text(name, data):
    try:
        return textinput.decode(data, textinput.field(name))
    except textinput.TextRefused as refused:
        raise refused_text(refused) from None
