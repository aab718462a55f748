"""What someone submitted, checked into plain values before anything touches the database.

Shared by the HTML form and the API, so both refuse the same things with the same words:
empty content, NUL bytes (PostgreSQL cannot store them in text), lone surrogates (JSON
allows ``"\\ud800"``; UTF-8 cannot encode it), bytes that are not UTF-8, and content over
``SNIPPET_MAX_BYTES``.
"""

from datetime import timedelta

from django.conf import settings

EXPIRY = {  # choice -> lifetime (None: forever), in the order forms show them
    "1h": timedelta(hours=1),
    "1d": timedelta(days=1),
    "1w": timedelta(weeks=1),
    "1m": timedelta(days=30),
    "never": None,
}
EXPIRY_LABELS = {"1h": "1 hour", "1d": "1 day", "1w": "1 week", "1m": "1 month", "never": "Never"}
DEFAULT_EXPIRY = "never"
AUTO = "auto"  # the language choice that lets the highlighter decide


class Refused(ValueError):
    """Input we will not store: ``message`` is for the person, ``status`` for HTTP."""

    def __init__(self, message, status=400, code="bad_request"):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


def decode_upload(data):
    """Bytes of an uploaded file as text, or Refused if they are not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a byte-order mark is not part of the text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refused(
            f"The upload is not UTF-8 text (invalid byte at offset {error.start}); "
            "only text can be shared.",
            code="invalid_utf8",
        ) from None


def check_text(name, value):
    """A short text field (title, file name, language) or content: encodable, no NUL."""
    if "\x00" in value:
        raise Refused(f"The {name} contains NUL bytes; only text can be shared.", code="nul_byte")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise Refused(
            f"The {name} contains a lone surrogate (\\u{ord(value[error.start]):04x}) "
            "that is not valid Unicode text.",
            code="invalid_unicode",
        ) from None
    return value


def check_content(content):
    check_text("snippet", content)
    if not content.strip():
        raise Refused("The snippet is empty.", code="empty")
    size = len(content.encode("utf-8"))
    if size > settings.SNIPPET_MAX_BYTES:
        raise Refused(
            f"The snippet is {size:,} bytes; the limit is {settings.SNIPPET_MAX_BYTES:,} bytes.",
            status=413,
            code="too_large",
        )
    return content


def check_expiry(choice):
    choice = (choice or DEFAULT_EXPIRY).strip().lower()
    if choice not in EXPIRY:
        raise Refused(f"Unknown expiry {choice[:20]!r}; use one of {', '.join(EXPIRY)}.", code="bad_expiry")
    return choice


def expires_at(choice, now):
    lifetime = EXPIRY[check_expiry(choice)]
    return None if lifetime is None else now + lifetime
