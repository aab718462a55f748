"""Form fields decoded strictly as UTF-8, for the API and the HTML form alike.

Django decodes form fields with ``errors="replace"``: bytes that are not UTF-8 silently
become U+FFFD and the text would be stored changed. Here a urlencoded body is parsed again
from its raw bytes (``apps.urlencoded``), and a multipart one is parsed as ISO-8859-1 (one character per byte, so
the bytes can be recovered: call ``keep_bytes`` before anything reads ``request.POST``);
each field, and each upload's file name, is then decoded as every app decodes text
(``apps.textinput``: strict UTF-8, no NUL, a leading byte-order mark dropped).
"""

import re

from django.http.request import RawPostDataException

from apps import textinput, urlencoded
from apps.snippets import intake

BYTES_ENCODING = "iso-8859-1"
PART_NAME = re.compile(rb';\s*name="([^"]*)"')
LABELS = {"content": "snippet", "filename": "file name", "lexer": "language", "expires": "expiry"}  # else the name


def keep_bytes(request):
    """Have a multipart body parsed without losing bytes; before anything reads request.POST.

    The body is read first (it is bounded: ``RefuseOversizedBodies``) and kept, so that
    ``text_fields`` can see the parts Django drops: a part whose ``Content-Disposition`` is not
    UTF-8 (``filename="a\xff.txt"``) is skipped by its parser without a word."""
    if request.method == "POST" and request.content_type == "multipart/form-data":
        request.encoding = BYTES_ENCODING
        request.body  # noqa: B018 (read now, parsed from memory later)


def text_fields(request, names):
    """``(fields, refused)``: the fields in ``names`` that were sent, as text, and a
    ``Refused`` per field (text or upload) that is not text (``textinput``) or was sent more
    than once (``textinput.sent_twice``). A refused field's text has U+FFFD for the bad bytes,
    for showing it back, never for storing."""
    fields, refused = {}, {}
    if request.content_type == "application/x-www-form-urlencoded":
        raw = {}
        for raw_name, raw_value in urlencoded.pairs(request.body):
            name = raw_name.decode(BYTES_ENCODING)
            if name in names:
                if name in raw:
                    refused[name] = intake.Refused(textinput.sent_twice(name))
                raw[name] = raw_value.decode(BYTES_ENCODING)
    elif request.content_type == "multipart/form-data" and request.encoding == BYTES_ENCODING:
        raw = {name: request.POST[name] for name in names if name in request.POST}
        refused = {name: intake.Refused(textinput.sent_twice(name)) for name in raw
                   if len(request.POST.getlist(name)) > 1}
    else:  # nothing to recover the bytes from: Django's decoding stands
        return {name: request.POST[name] for name in names if name in request.POST}, {}
    for name, value in raw.items():
        try:
            fields[name] = strict(value, f"the {LABELS.get(name, name)}")
        except textinput.TextRefused as error:
            data = recovered(value)
            fields[name] = value if data is None else data.decode("utf-8", "replace")
            refused.setdefault(name, intake.refused_text(error))
    if request.content_type == "multipart/form-data":
        for name, uploads in request.FILES.lists():  # every upload of a field (``-F file=@a -F file=@b``)
            for upload in uploads:
                try:
                    upload.name = strict(upload.name or "", "the file name")
                except textinput.TextRefused as error:
                    refused.setdefault(name, intake.refused_text(error))
        name, unreadable = unreadable_part(request)
        if unreadable is not None:
            refused.setdefault(name, unreadable)
    return fields, refused


def unreadable_part(request):
    """``(field name, Refused)`` for the first part of a multipart body whose name or file name
    is not UTF-8 (Django's parser drops such a part), else ``(None, None)``. Needs the body
    ``keep_bytes`` kept."""
    boundary = request.content_params.get("boundary", "")
    try:
        body = request.body
    except RawPostDataException:  # parsed as a stream: nothing kept to look at
        return None, None
    if not boundary:
        return None, None
    for part in body.split(b"--" + boundary.encode(BYTES_ENCODING))[1:]:
        for line in part.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
            if line[:20].lower().startswith(b"content-disposition:"):
                try:
                    textinput.decode(line, "the file name")
                except textinput.TextRefused as error:
                    field = PART_NAME.search(line)
                    return (field.group(1).decode(BYTES_ENCODING) if field else "file"), intake.refused_text(error)
    return None, None


def show_refused(form, refused):
    """In a form's ``clean``: each field ``text_fields`` refused gets its one message (in place
    of Django's own word on the same text, "Null characters…"); whether any was refused, so
    the form says only that."""
    for name, reason in refused.items():
        form.errors.pop(name, None)
        form.add_error(name if name in form.fields else None, reason.message)
    return bool(refused)


def strict(value, what):
    """Text read as ISO-8859-1, decoded again as ``textinput`` decodes bytes (TextRefused if not text)."""
    data = recovered(value)
    return textinput.check(value, what) if data is None else textinput.decode(data, what)


def recovered(value):
    """The bytes behind text read as ISO-8859-1, or None for text not read that way."""
    try:
        return value.encode(BYTES_ENCODING)
    except UnicodeEncodeError:
        return None
