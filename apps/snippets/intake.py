"""What someone submitted, checked into plain values before anything touches the database.

Shared by the HTML form and the API, so both refuse the same things with the same words:
empty content, text that is not text (bytes that are not UTF-8, lone surrogates, NUL: read
as every app reads text, ``apps.textinput``), and content over ``SNIPPET_MAX_BYTES``; for the
files of a revision (``check_files``): at most ``SNIPPET_MAX_FILES``, names that are file
names (no ``/``, ``\\``, NUL or control character, no character that reorders or hides text,
no white space at either end, at most 255 characters, unique even ignoring case and Unicode
normalisation), and the limit on all their bytes together.
"""

import unicodedata
from dataclasses import dataclass
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


MAX_NAME_CHARS = 255
MAX_TITLE_CHARS = 200
# Characters that make a name show as another: bidi embeddings, overrides and isolates (x\u202etxt.exe
# shows as "xexe.txt"), bidi marks, and zero-width characters (a name of nothing visible).
REORDERING = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
INVISIBLE = {"\u200b", "\u2060", "\ufeff"}  # zero-width space, word joiner, byte-order mark
SPOOFING = REORDERING | INVISIBLE | {"\u200c", "\u200d", "\u200e", "\u200f", "\u061c"}  # joiners, marks
# A title keeps the joiners and marks (Persian, the Indic scripts, emoji sequences, right-to-left text).
HIDDEN_IN_TITLES = REORDERING | INVISIBLE


@dataclass(frozen=True)
class Upload:
    """One file as submitted: its name ("" for none), its text, and the lexer asked for
    (``""``: auto; a name still to be checked by ``creation.lexer_choice``)."""

    filename: str
    content: str
    lexer: str = ""


def hidden(char, spoofing=SPOOFING):
    """True for a character that shows as nothing or as another text: a control character, a line
    or paragraph separator, or one of ``spoofing``."""
    return unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in spoofing


def one_file_name(name):
    """The ``filename`` field of a one-file paste (the form, the API's ``content``), as it has
    always been taken: the last part of a path (``src/app.py`` is ``app.py``), control
    characters dropped, at most 255 characters. (Several files' names are checked strictly,
    ``check_filename``.)"""
    name = check_text("file name", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if not hidden(char)).strip()
    return "" if name in (".", "..") else name[:MAX_NAME_CHARS]


def check_title(title):
    """A snippet's title as it will be stored and shown (in the page's ``<title>``, its heading,
    My snippets, previews): one line, its line breaks, tabs and runs of white space as single
    spaces, control characters and those that reorder or hide text dropped (a bidi override in a
    title would reorder the words a reader sees), at most MAX_TITLE_CHARS characters; "" when
    nothing in it can be seen. Unlike a file name, a title keeps the joiners and the direction
    marks that Persian, the Indic scripts, emoji sequences and mixed right-to-left text need."""
    title = check_text("title", title or "")
    kept = "".join(" " if char.isspace() else char for char in title
                   if char.isspace() or not hidden(char, HIDDEN_IN_TITLES))
    title = " ".join(kept.split())[:MAX_TITLE_CHARS].rstrip()
    return title if any(unicodedata.category(char)[0] in "LNPS" for char in title) else ""


def check_filename(name, position):
    """A file name as it will be stored, or Refused (``bad_filename``)."""
    which = f"File {position + 1}" if not name else f"The file name {name[:60]!r}"
    name = check_text("file name", name)
    if len(name) > MAX_NAME_CHARS:
        raise Refused(f"{which[:80]}… is {len(name):,} characters long; a file name has at most "
                      f"{MAX_NAME_CHARS}.", code="bad_filename")
    bad = next((char for char in name if char in "/\\" or unicodedata.category(char) in ("Cc", "Zl", "Zp")), None)
    if bad is not None:
        raise Refused(f"{which} contains {bad!r}: a file name cannot hold a slash, a backslash or a control "
                      "character (it is a name, not a path).", code="bad_filename")
    spoofing = next((char for char in name if char in SPOOFING), None)
    if spoofing is not None:
        raise Refused(f"{which} contains U+{ord(spoofing):04X} ({unicodedata.name(spoofing, 'a format character')}): "
                      "a file name cannot hold a character that reorders text or is invisible.", code="bad_filename")
    if name in (".", "..") or (name and not name.strip()):
        raise Refused(f"{which} is not a usable file name.", code="bad_filename")
    if name != name.strip():
        raise Refused(f"{which} starts or ends with white space: a file name cannot.", code="bad_filename")
    return name


def same_name(name):
    """What two names are compared as: one file system may fold case (Windows, macOS), another
    normalise Unicode (macOS: é written as one character or as e and an accent)."""
    return unicodedata.normalize("NFC", name).casefold()


def too_many_files(sent=None):
    """The refusal of more files than ``SNIPPET_MAX_FILES`` (``sent``: how many, when known)."""
    limit = settings.SNIPPET_MAX_FILES
    return Refused(f"A snippet has at most {limit} {'file' if limit == 1 else 'files'}; "
                   f"{sent if sent else 'more'} were sent.", code="too_many_files")


def check_files(uploads):
    """The files of one revision, checked (names, count, each text, all bytes together): a
    list of ``Upload`` with their texts as stored, or Refused.

    A file may have no name only when it is the revision's one file (a snippet pasted without
    a name, as before revisions).
    """
    uploads = list(uploads)
    limit = settings.SNIPPET_MAX_FILES
    if not uploads:
        raise Refused("The snippet is empty: send at least one file.", code="empty")
    if len(uploads) > limit:
        raise too_many_files(len(uploads))
    names = [check_filename(upload.filename, position) for position, upload in enumerate(uploads)]
    if len(uploads) > 1:
        unnamed = next((position for position, name in enumerate(names) if not name), None)
        if unnamed is not None:
            raise Refused(f"File {unnamed + 1} has no name: when a snippet has several files, each needs one.",
                          code="bad_filename")
    seen = {}
    for name in names:
        other = seen.get(same_name(name))
        if other == name:
            raise Refused(f"Two files are named {name[:80]!r}: names must differ within a snippet.",
                          code="duplicate_filename")
        if other is not None:
            raise Refused(f"The file names {other[:80]!r} and {name[:80]!r} differ only in case or Unicode "
                          "normalisation: names must differ within a snippet, as a file system sees them.",
                          code="duplicate_filename")
        seen[same_name(name)] = name
    contents = [check_file_text(upload.content, name, len(uploads)) for upload, name in zip(uploads, names)]
    total = sum(len(content.encode("utf-8")) for content in contents)
    if total > settings.SNIPPET_MAX_BYTES:
        raise Refused(
            f"The files are {total:,} bytes together; the limit is {settings.SNIPPET_MAX_BYTES:,} bytes for all "
            "the files of a snippet.",
            status=413,
            code="too_large",
        )
    return [Upload(name, content, upload.lexer) for upload, name, content in zip(uploads, names, contents)]


def check_file_text(content, name, count):
    """One file's text (``check_content``), its name in the message when there are several."""
    if count == 1:
        return check_content(content)
    try:
        return check_content(content)
    except Refused as refused:
        refused.message = f"{name[:80]}: {refused.message}"
        refused.args = (refused.message,)
        raise
