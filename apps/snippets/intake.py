"""What someone submitted, checked into plain values before anything touches the database.

Shared by the HTML form and the API, so both refuse the same things with the same words:
empty content, text that is not text (bytes that are not UTF-8, lone surrogates, NUL: read
as every app reads text, ``apps.textinput``), and content over ``SNIPPET_MAX_BYTES``.
"""

from datetime import timedelta

from django.conf import settings

from apps import textinput

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


def refused_text(refused):
    """A ``textinput.TextRefused`` as the paste site's ``Refused``."""
    return Refused(refused.message, status=refused.status, code=refused.code)


def decode_upload(data, what="the upload"):
    """Bytes of an uploaded file (or a plain body) as text, or Refused (``textinput.decode``)."""
    try:
        return textinput.decode(data, what)
    except textinput.TextRefused as refused:
        raise refused_text(refused) from None


def check_text(name, value):
    """A short text field (title, file name, language) or content: Unicode text without NUL."""
    try:
        return textinput.check(value, f"the {name}")
    except textinput.TextRefused as refused:
        raise refused_text(refused) from None


def check_content(content):
    content = textinput.without_bom(check_text("snippet", content))
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
        raise Refused(f"Unknown expiry {choice[:20]!r}; use one of {', '.join(EXPIRY)}.", code="invalid_option")
    return choice


def expires_at(choice, now):
    lifetime = EXPIRY[check_expiry(choice)]
    return None if lifetime is None else now + lifetime
