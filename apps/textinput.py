"""Text people send, read one strict way by every app: form fields, uploads, JSON strings.

The frameworks are lenient (Django and Werkzeug turn bytes that are not UTF-8 into U+FFFD
or ``%FF``; Python's json accepts ``"\\ud800"``), and the three apps had each written their
own stricter copy, which disagreed. Every app now reads submitted text through here, so the
same bytes are the same text, or the same refusal, everywhere (``docs/api.md``, "Text in
requests"):

- Bytes are UTF-8, decoded strictly: a byte that is not UTF-8 is refused (``invalid_utf8``),
  never replaced.
- A byte-order mark at the very start of a text is not part of it and is dropped: Windows
  Notepad writes one. ``decode`` drops it from any value sent as bytes (an uploaded file, a
  form field, a plain body); ``without_bom`` from the text an API takes as a JSON string
  (a snippet's content, code to highlight, a side of a diff), as a client that read the file
  with its mark would send it. Anywhere else U+FEFF is a character like any other.
- A lone surrogate (JSON can spell ``"\\ud800"``; no UTF-8 encodes it) is refused
  (``invalid_unicode``).
- NUL is refused (``nul_byte``): it is not text, and PostgreSQL cannot store it.
- Line breaks are kept as sent, except where a browser changed them: a ``<textarea>``
  submits every line break as CRLF whatever the text had (``from_textarea``).
- A yes/no option sent as text is one of the same words in every app (``boolean_word``).

A refusal is a ``TextRefused`` (400) whose message names the field (``field``, ``upload``);
each app turns it into its own error. Imports no web framework and no app.
"""

BOM = b"\xef\xbb\xbf"
STATUS = 400
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


class TextRefused(ValueError):
    """Submitted text we will not read: ``code`` (from ``apps.errorcodes``) and a message naming the field."""

    status = STATUS

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def decode(data: bytes, what: str) -> str:
    """``data`` as text, or TextRefused naming ``what`` ("content", "the left file").

    A refusal's offset counts in the bytes as sent, the dropped byte-order mark included."""
    skipped = len(BOM) if data.startswith(BOM) else 0
    data = data[skipped:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise TextRefused(
            "invalid_utf8",
            f"{sentence(what)} is not valid UTF-8 text (byte {data[error.start]:#04x} at offset "
            f"{error.start + skipped}); send text as UTF-8.",
        ) from None
    return check_nul(text, what)


def without_bom(text: str) -> str:
    """A JSON text field (content, code, a side) without the byte-order mark it may start with."""
    return text.removeprefix("\ufeff")


def check(text: str, what: str) -> str:
    """``text`` (already a str, e.g. from JSON) if it is Unicode text without NUL, else TextRefused."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise TextRefused(
            "invalid_unicode",
            f"{sentence(what)} contains a lone surrogate (\\u{ord(text[error.start]):04x} at character "
            f"{error.start}), which is not valid Unicode text; send surrogates only in pairs.",
        ) from None
    return check_nul(text, what)


def check_nul(text: str, what: str) -> str:
    where = text.find("\x00")
    if where >= 0:
        raise TextRefused(
            "nul_byte", f"{sentence(what)} contains a NUL byte (at character {where}); only text is accepted."
        )
    return text


def check_strings(value, what: str = "") -> None:
    """``check`` every string (keys too) anywhere in parsed JSON, naming its path (``options.title``).

    Iterative: JSON nesting is unbounded.
    """
    stack = [(what, value)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                inner = f"{where}.{key}" if where else str(key)
                stack.append((inner, key))
                stack.append((inner, item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{index}]", item) for index, item in enumerate(value))
        elif isinstance(value, str):
            check(value, field(where) if where else "the body")


def boolean_word(text: str, empty: bool | None = None) -> bool | None:
    """A yes/no option sent as text (a form field, a query parameter) as a bool, read one way
    in every app: ``1 true yes on`` and ``0 false no off``, in any case, white space around
    ignored. Blank text is ``empty`` (what the app takes a blank to mean, else None); any other
    word is None, for the caller to refuse naming the option."""
    word = text.strip().lower()
    if not word:
        return empty
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def from_textarea(text: str) -> str:
    """A browser's ``<textarea>`` text with its line breaks as the person typed or pasted them.

    The HTML standard has a textarea submit every line break as CRLF; a pasted shell script
    or an LF file compared against a pasted copy must not change because of it. Uploads and
    API fields keep their bytes.
    """
    return text.replace("\r\n", "\n")


def sent_twice(name: str) -> str:
    """The message for a form field sent more than once: every app refuses it (``bad_request``),
    rather than each keeping a different one of the values."""
    return f"{sentence(field(name))} was sent more than once; send each field once."


def field(name: str) -> str:
    """How a message names a form or JSON field: ``field 'content'``."""
    return f"field {shorten(name)!r}"


def upload(name: str) -> str:
    """How a message names an uploaded file: ``the file sent as 'left'``."""
    return f"the file sent as {shorten(name)!r}"


def sentence(what: str) -> str:
    return what[:1].upper() + what[1:]


def shorten(what: str, limit: int = 60) -> str:
    return what if len(what) <= limit else what[: limit - 3] + "..."
