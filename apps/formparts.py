"""A ``multipart/form-data`` body as bytes, read by Werkzeug's own parser, for ``apps.textinput``.

Werkzeug decodes a text field with ``errors="replace"``, so bytes that are not UTF-8 would
become U+FFFD before anyone could refuse them. Here every text field is read as ISO-8859-1
(one character per byte) and handed back as its bytes; uploads stay in memory (the apps
bound their bodies). For the apps built on Werkzeug (the highlighter, the diff viewer);
imports no app.
"""

import io

from werkzeug.formparser import MultiPartParser


class LosslessMultipart(MultiPartParser):
    def get_part_charset(self, headers):
        return "iso-8859-1"


def in_memory(*args, **kwargs):
    return io.BytesIO()


def parse(stream, boundary: bytes, *, max_parts: int, max_field_bytes: int | None = None, chunk: int = 64 * 1024):
    """``(fields, files)``: ``[(name, bytes)]`` and ``[(name, file name, bytes)]``, each in order.

    A malformed body raises ValueError; too many parts or too large a field, Werkzeug's 413.
    """
    parser = LosslessMultipart(in_memory, max_form_memory_size=max_field_bytes, max_form_parts=max_parts,
                               buffer_size=chunk)
    form, files = parser.parse(stream, boundary, None)
    return ([(name, value.encode("iso-8859-1")) for name, value in form.items(multi=True)],
            [(name, upload.filename or "", upload.read()) for name, upload in files.items(multi=True)])
