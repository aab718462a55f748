"""What a snippet page tells link previews (Open Graph and Twitter card tags): a title, the
page's permanent absolute URL, and a short plain-text description, its language and first lines.

Plain strings in, plain strings out (no framework: the template escapes them). What is said
is bounded (previews show about 200 characters) and cleaned of what a preview must not carry:
control characters, format characters (a bidi override would reorder the text a chat shows,
a zero-width one hide it), line breaks and runs of white space. A burn-after-reading snippet
is described by what it is, never by anything it holds: not its title, names or text.
"""

import unicodedata
from dataclasses import dataclass

SITE_NAME = "composite"
MAX_TITLE = 120
MAX_DESCRIPTION = 200
FIRST_LINES = 5  # of the first file, at most
TEXT_CHARS = 2000  # of the first file read for them, at most
LISTED_NAMES = 3  # file names a several-file description lists before "…"
DROPPED = ("Cc", "Cf")  # control and format characters (white space among them becomes a space)
BURN_TITLE = "A burn-after-reading snippet"
BURN_DESCRIPTION = ("It is shown once, to the first person who opens the link and chooses to reveal it; "
                    "then it is deleted.")


@dataclass(frozen=True)
class Preview:
    title: str
    description: str
    url: str  # absolute
    type: str = "article"
    site_name: str = SITE_NAME


def plain(text, limit):
    """``text`` as one line of at most ``limit`` characters: white space (line breaks, tabs,
    U+2028…) as single spaces, other control and format characters dropped; a cut ends in "…"."""
    kept = "".join(" " if char.isspace() else char for char in text
                   if char.isspace() or unicodedata.category(char) not in DROPPED)
    line = " ".join(kept.split())
    if len(line) <= limit:
        return line
    return line[: limit - 1].rstrip() + "…"


def first_lines(text, count=FIRST_LINES):
    """The first ``count`` lines of ``text`` that are not blank, as one plain line."""
    lines = [line for line in text[:TEXT_CHARS].splitlines() if line.strip()]
    return plain(" ".join(lines[:count]), MAX_DESCRIPTION)


def title(snippet_title, names, revision=None):
    """The title, else the one file's name, else the first file's name and how many more."""
    names = [name for name in names if plain(name, MAX_TITLE)]
    if plain(snippet_title, MAX_TITLE):  # not blank once cleaned (a lone zero-width space is no title)
        shown = snippet_title
    elif len(names) == 1:
        shown = names[0]
    elif names:
        shown = f"{names[0]} and {len(names) - 1} more files"
    else:
        shown = "Untitled snippet"
    if revision is not None:
        shown += f" (revision {revision})"
    return plain(shown, MAX_TITLE) or "Untitled snippet"


def description(language, names, text):
    """``Python · <first lines>``; several files: ``3 files: a.py, b.py, c.py · Python · <first lines>``
    (the language and lines are the first file's)."""
    parts = []
    if len(names) > 1:
        listed = ", ".join(names[:LISTED_NAMES]) + (", …" if len(names) > LISTED_NAMES else "")
        parts.append(f"{len(names)} files: {listed}")
    if language:
        parts.append(language)
    lines = first_lines(text)
    if lines:
        parts.append(lines)
    return plain(" · ".join(parts), MAX_DESCRIPTION)


def snippet_preview(url, snippet_title, names, language, text, revision=None):
    return Preview(title=title(snippet_title, names, revision), description=description(language, names, text), url=url)


def burn_preview(url):
    """A burn-after-reading snippet's: that it is one, nothing of it."""
    return Preview(title=BURN_TITLE, description=BURN_DESCRIPTION, url=url, type="website")
