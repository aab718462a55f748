"""Form bodies (urlencoded or multipart) decoded strictly, so bad bytes are refused, not diffed.

Werkzeug decodes multipart fields with ``errors="replace"`` and re-quotes bad bytes in
urlencoded ones, so a text that is not UTF-8 would be compared as U+FFFD or ``%FF``. Here the
raw body is read within the request's size limits: urlencoded with ``apps.urlencoded``,
multipart with Werkzeug's own ``MultipartDecoder``; every field the diff viewer reads is then
decoded as every app decodes text (``apps.textinput``), and a field that does not decode is an
``InputError`` naming it.
"""

from dataclasses import dataclass

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from apps import textinput
from apps.diffviewer.inputs import API_FIELDS, InputError, refused_text
from apps.urlencoded import pairs as form_pairs

FIELDS = frozenset(API_FIELDS)
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Upload:
    """A file part: the browser's file name (maybe empty) and its bytes, not yet decoded."""

    filename: str
    data: bytes


def parse(request, max_parts):
    """``(fields, uploads)`` of a form body, each a dict by name; the first part of a name wins.

    Fields the diff viewer does not read are dropped; the others are text, strictly decoded.
    Any other content type gives two empty dicts, as Werkzeug's ``request.form`` would.
    """
    mimetype, options = parse_options_header(request.headers.get("Content-Type", ""))
    if mimetype == "application/x-www-form-urlencoded":
        return urlencoded(request.get_data(cache=False)), {}
    if mimetype == "multipart/form-data":
        return multipart(request.stream, options.get("boundary", ""), request.max_form_memory_size, max_parts)
    return {}, {}


def urlencoded(body):
    """The fields the diff viewer reads, from ``name=value&…`` bytes (``apps.urlencoded``)."""
    fields = {}
    for raw_name, raw_value in form_pairs(body):
        name = raw_name.decode("utf-8", "replace")
        if name in FIELDS and name not in fields:
            fields[name] = strict_text(name, raw_value)
    return fields


def multipart(stream, boundary, max_field_bytes, max_parts):
    try:
        parts = list(multipart_parts(stream, boundary.encode("ascii"), max_field_bytes, max_parts))
    except (ValueError, IndexError, AttributeError, TypeError):
        # Werkzeug would silently see an empty form; a clear answer is kinder.
        raise InputError("bad_request", "The body is not a valid multipart form.") from None
    fields, uploads = {}, {}
    for part, data in parts:
        if isinstance(part, File):
            uploads.setdefault(part.name, Upload(part.filename, data))
        elif part.name in FIELDS and part.name not in fields:
            fields[part.name] = strict_text(part.name, data)
    return fields, uploads


def multipart_parts(stream, boundary, max_field_bytes, max_parts):
    """``(Field or File, bytes)`` for each part, with Werkzeug's limits on parts and field size."""
    if not boundary:
        raise ValueError("no boundary")
    decoder = MultipartDecoder(boundary, max_form_memory_size=max_field_bytes, max_parts=max_parts)
    part, chunks, size = None, [], 0
    while True:
        data = stream.read(CHUNK)
        decoder.receive_data(data or None)
        event = decoder.next_event()
        while not isinstance(event, (Epilogue, NeedData)):
            if isinstance(event, (Field, File)):
                part, chunks, size = event, [], 0
            elif isinstance(event, Data):
                size += len(event.data)
                if isinstance(part, Field) and max_field_bytes is not None and size > max_field_bytes:
                    raise RequestEntityTooLarge()
                chunks.append(event.data)
                if not event.more_data:
                    yield part, b"".join(chunks)
            event = decoder.next_event()
        if not data or isinstance(event, Epilogue):
            return


def strict_text(name, data):
    try:
        return textinput.decode(data, textinput.field(name))
    except textinput.TextRefused as refused:
        raise refused_text(refused) from None
