"""Request bodies -> the plain field mapping ``core.HighlightRequest.from_fields`` takes.

The same field names arrive three ways:

- ``application/json``: an object, as documented.
- ``application/x-www-form-urlencoded`` and ``multipart/form-data``: one field each;
  ``code`` may be a file upload (its file name then serves as ``filename`` unless one is
  sent). ``guess`` and boolean options read true/false, on/off, 1/0, yes/no. Options come
  either as one ``options`` field holding a JSON object, or one field per option named
  ``options.<name>`` (``options.linenos=table``, ``options.hl_lines=2,4``), or both
  (single fields win).

Text is read as every app reads it (``apps.textinput``): invalid UTF-8 in the body, a form
field or an upload (``invalid_utf8``), a lone surrogate in a JSON string (``"\\ud800"``,
which Python's json accepts; ``invalid_unicode``) and NUL (``nul_byte``) are refused naming
the field; an upload's byte-order mark is dropped. The body size is bounded by Flask's ``MAX_CONTENT_LENGTH`` (see ``body_limit``),
checked against Content-Length before reading and while reading chunked bodies.
"""

import json
import re

from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from apps import formparts, textinput, urlencoded
from apps.highlighter.core import HighlightError
from apps.highlighter.core.errors import shorten

MAX_FIELDS = 64
CHUNK = 64 * 1024
# How a form's option text becomes the JSON value the core checks.
BOOLEAN_OPTIONS = frozenset(
    {"anchorlinenos", "wrapcode", "nowrap", "noclasses", "full", "stripnl", "stripall", "startinline"}
)
INTEGER_OPTIONS = frozenset({"linenostart", "linenostep", "tabsize"})
NOT_TEXT_ESCAPE = re.compile(r"\\u(?:[dD][89a-fA-F]|0000)")  # a surrogate or NUL, spelled in JSON


def body_limit(max_code_bytes: int) -> int:
    """Largest body read: room for JSON escaping (up to 3x for non-ASCII as \\uXXXX pairs)."""
    return 3 * max_code_bytes + 64 * 1024


def bad_request(message):
    return HighlightError("bad_request", message)


def read_fields() -> dict:
    """The fields of the current request's body, whatever its content type."""
    mimetype = request.mimetype
    if mimetype == "application/json" or mimetype.endswith("+json"):
        return json_fields(read_body())
    if mimetype == "application/x-www-form-urlencoded":
        return form_fields(urlencoded_pairs(read_body()))
    if mimetype == "multipart/form-data":
        return form_fields(multipart_pairs())
    raise bad_request(
        f"Unsupported Content-Type {shorten(request.content_type or '(none)')}: send "
        "application/json, application/x-www-form-urlencoded or multipart/form-data."
    )


def read_body() -> bytes:
    """The whole body, at most MAX_CONTENT_LENGTH bytes, else 413."""
    body = request.stream.read()
    check_not_cut(len(body))
    return body


def check_not_cut(size):
    """Werkzeug stops a chunked body at MAX_CONTENT_LENGTH without saying so: if we got
    that much, look for one more byte, and refuse the body if there is one."""
    if request.content_length is None and size >= current_app.config["MAX_CONTENT_LENGTH"]:
        if request.environ["wsgi.input"].read(1):
            raise RequestEntityTooLarge()


def json_fields(body: bytes) -> dict:
    text = decoded(body, "the body")
    try:
        fields = json.loads(text)
    except json.JSONDecodeError as error:
        raise bad_request(f"The body is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}.") from None
    except (ValueError, RecursionError):
        raise bad_request("The body is not JSON this service can read (too deeply nested or a number too long).") from None
    if not isinstance(fields, dict):
        raise bad_request('The body must be a JSON object of fields, e.g. {"code": "x = 1", "lexer": "python"}.')
    if NOT_TEXT_ESCAPE.search(text):
        check_strings(fields)
    if isinstance(fields.get("code"), str):
        fields["code"] = textinput.without_bom(fields["code"])
    return fields


def check_strings(value) -> None:
    """Refuse lone surrogates and NUL anywhere in parsed JSON (``textinput.check_strings``)."""
    try:
        textinput.check_strings(value)
    except textinput.TextRefused as refused:
        raise HighlightError(refused.code, refused.message, refused.status) from None


def decoded(data: bytes, what: str) -> str:
    try:
        return textinput.decode(data, what)
    except textinput.TextRefused as refused:
        raise HighlightError(refused.code, refused.message, refused.status) from None


def urlencoded_pairs(body: bytes):
    """(name, value) bytes for each field, one at a time (``apps.urlencoded``), decoded by ``form_fields``."""
    try:
        return urlencoded.pairs(body, max_fields=MAX_FIELDS)
    except urlencoded.TooManyFields:
        raise bad_request(f"Too many form fields (at most {MAX_FIELDS}).") from None


class CountedStream:
    """A stream that counts the bytes read from it (``check_not_cut`` needs the total)."""

    def __init__(self, stream):
        self.stream, self.size = stream, 0

    def read(self, size=-1):
        data = self.stream.read(size)
        self.size += len(data)
        return data


def multipart_pairs() -> list:
    """(name, value, upload file name or None) for each part, values still undecoded bytes;
    the text fields first, then the files."""
    boundary = request.mimetype_params.get("boundary", "").encode("latin-1", "replace")
    if not boundary:
        raise bad_request("multipart/form-data needs a boundary parameter in its Content-Type.")
    stream = CountedStream(request.stream)
    try:
        fields, files = formparts.parse(stream, boundary, max_parts=MAX_FIELDS, chunk=CHUNK)
    except ValueError as error:
        check_not_cut(stream.size)
        raise bad_request(f"The multipart body cannot be read: {error}.") from None
    check_not_cut(stream.size)
    return [(name, value, None) for name, value in fields] + [(name, data, filename) for name, filename, data in files]


def form_fields(pairs) -> dict:
    """Form pairs -> JSON-like fields: strict UTF-8, typed ``guess`` and options."""
    fields, options, single = {}, None, {}
    for pair in pairs:
        name, value = pair[0], pair[1]
        upload_name = pair[2] if len(pair) > 2 else None
        if isinstance(name, bytes):  # multipart names come as text already
            name = decoded(name, "a field name")
        value = decoded(value, textinput.upload(name) if upload_name else textinput.field(name))
        if name in fields or name in single:
            if name != "options.hl_lines":
                raise bad_request(textinput.sent_twice(name))
            single[name] += "," + value
            continue
        if name == "code" and upload_name and "filename" not in fields:
            fields["filename"] = upload_name.replace("\\", "/").rsplit("/", 1)[-1]
        if name.startswith("options."):
            single[name] = value
        else:
            fields[name] = value
    if "guess" in fields:
        fields["guess"] = boolean(fields["guess"], "guess")
    if "options" in fields:
        try:
            options = json.loads(fields["options"])
        except (ValueError, RecursionError):
            raise HighlightError("invalid_option", "The options field must hold a JSON object, e.g. {\"linenos\": \"table\"}.") from None
        if not isinstance(options, dict):
            raise HighlightError("invalid_option", "The options field must hold a JSON object, e.g. {\"linenos\": \"table\"}.")
        check_strings(options)
    if single:
        options = dict(options or {})
        for name, value in single.items():
            option = name.removeprefix("options.")
            options[option] = option_value(option, value)
    if options is not None:
        fields["options"] = options
    return fields


def boolean(text, name):
    """A yes/no field (``textinput.boolean_word``); blank is false here."""
    value = textinput.boolean_word(text, empty=False)
    if value is None:
        raise bad_request(f"{name} must be true or false; got {shorten(text)}.")
    return value


def option_value(name, text):
    """A form option's text as the JSON value it stands for; the core checks the result."""
    word = text.strip().lower()
    yes_no = textinput.boolean_word(text, empty=False)  # blank is false here
    if name in BOOLEAN_OPTIONS and yes_no is not None:
        return yes_no
    if name in INTEGER_OPTIONS and re.fullmatch(r"[+-]?\d{1,12}", word):
        return int(word)
    if name == "linenos":
        return text if yes_no is None else yes_no
    if name == "hl_lines":
        items = [item for item in re.split(r"[\s,]+", word) if item]
        if all(re.fullmatch(r"\d{1,12}", item) for item in items):
            return [int(item) for item in items]
    return text
