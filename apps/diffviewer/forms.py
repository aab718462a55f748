"""Form bodies (urlencoded or multipart) decoded strictly, so bad bytes are refused, not diffed.

Werkzeug decodes multipart fields with ``errors="replace"`` and re-quotes bad bytes in
urlencoded ones, so a text that is not UTF-8 would be compared as U+FFFD or ``%FF``. Here the
raw body is read within the request's size limits: urlencoded with ``apps.urlencoded``,
multipart with Werkzeug's own parser reading fields as ISO-8859-1; every field the diff viewer reads is then
decoded as every app decodes text (``apps.textinput``), and a field that does not decode is an
``InputError`` naming it.
"""

import io
from dataclasses import dataclass

from werkzeug.formparser import MultiPartParser
from werkzeug.http import parse_options_header

from apps import textinput
from apps.diffviewer.inputs import API_FIELDS, InputError, refused_text
from apps.urlencoded import pairs as form_pairs

FIELDS = frozenset(API_FIELDS)


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


class LosslessMultipart(MultiPartParser):
    """Werkzeug's multipart parser with every text field read as ISO-8859-1 (one character
    per byte), so that its bytes can be had back and decoded by ``textinput``, not replaced."""

    def get_part_charset(self, headers):
        return "iso-8859-1"


def in_memory(*args, **kwargs):
    """Where an uploaded file's bytes go while the body is read: memory (the body is bounded)."""
    return io.BytesIO()


def multipart(stream, boundary, max_field_bytes, max_parts):
    """Werkzeug's parser, with its limits on parts and field size; then the fields strictly decoded."""
    parser = LosslessMultipart(in_memory, max_form_memory_size=max_field_bytes, max_form_parts=max_parts)
    try:
        if not boundary:
            raise ValueError("no boundary")
        form, files = parser.parse(stream, boundary.encode("ascii"), None)
    except (ValueError, IndexError, AttributeError, TypeError):
        # Werkzeug would silently see an empty form; a clear answer is kinder.
        raise InputError("bad_request", "The body is not a valid multipart form.") from None
    uploads = {name: Upload(upload.filename or "", upload.read()) for name, upload in files.items()}
    fields = {name: strict_text(name, form[name].encode("iso-8859-1")) for name in FIELDS if name in form}
    return fields, uploads


def strict_text(name, data):
    try:
        return textinput.decode(data, textinput.field(name))
    except textinput.TextRefused as refused:
        raise refused_text(refused) from None
