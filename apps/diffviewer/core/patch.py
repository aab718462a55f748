"""Reading patches: the text of ``git diff``, ``git format-patch`` or ``diff -u``/``-ru`` as plain data.

One linear pass over the lines, as ``git apply`` reads them: file headers (``diff --git`` with
its extended headers, or ``---``/``+++``), hunks read by the counts of their ``@@`` header,
``\\ No newline at end of file``, ``Binary files … differ`` and ``GIT binary patch`` blocks
(skipped: their bytes are not shown). Mail headers before a format-patch's first diff become
a ``Commit``; ``Only in …`` lines of ``diff -r`` are kept as such; anything else between files
(``diff -ru`` command lines, a diffstat, ``Index:`` lines, a mail signature) is ignored, as git
ignores it. Paths lose their first component (``a/``, ``b/``, ``old/``), as ``git apply -p1``.

pygit2's ``Diff.parse_diff`` reads git's own format only (not mail, ``diff -ru`` or whole-CRLF
patches) and stops at the first hunk it cannot read, so this parser is the one every format
goes through; the tests hold it to ``git apply --numstat`` and to pygit2 on git's format.

A patch that breaks the format is a ``PatchError`` naming what broke and the patch's line;
one without any file change is ``NoChanges``. Both carry ``code``, ``message``, ``status`` as
every core error does, so the killable pool passes them on. Lines past ``max_lines`` are
counted but not kept (the file is ``truncated``), so a huge patch costs time, not memory.
"""

import re
from dataclasses import dataclass, field, replace
from email.header import decode_header, make_header
from email.parser import HeaderParser
from json import dumps

from .errors import OutputTooLarge
from .model import Diff, Hunk, Line, Stats
from .moved import mark_moved
from .words import Budget, mark_words

MAX_LINE_NUMBER = 2**31 - 1  # no text has more lines; a larger number is a broken (or hostile) header
HUNK_HEADER = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)")
GIT_HEADER = "diff --git "
MAIL_SEPARATOR = re.compile(r"From [0-9a-f]{40} ")  # the first line of each format-patch mail
MAIL_FIELDS = re.compile(r"(From|Subject|Date): ")
BINARY_FILES = re.compile(r"Binary files (.+) and (.+) differ")
BASE85_LINE = re.compile(r"[A-Za-z][0-9A-Za-z!#$%&()*+;<=>?@^_`{|}~-]*")
ONLY_IN = re.compile(r"Only in (.+): (.+)")
DEV_NULL = "/dev/null"
MALFORMED_CODE = "malformed_patch"  # the error codes (apps/errorcodes.py) of the two refusals
NO_CHANGES_CODE = "no_changes"
MAX_SHOWN_LINE = 80


class PatchError(Exception):
    """The patch breaks the format at ``line`` (1-based) of the patch text."""

    code = MALFORMED_CODE
    status = 400

    def __init__(self, what: str, line: int):
        self.what, self.line = what, line
        self.message = f"The patch is malformed at line {line:,}: {what}"
        super().__init__(self.message)

    def __reduce__(self):
        return type(self), (self.what, self.line)


class TooManyLines(Exception):
    """More hunk lines than ``max_lines`` when the caller asked to stop there (``stop_at_max``)."""

    def __init__(self, max_lines: int):
        self.max_lines = max_lines
        super().__init__(f"more than {max_lines:,} lines")


class NoChanges(Exception):
    code = NO_CHANGES_CODE
    status = 400
    message = "No changes found: the text holds no file differences (git diff, format-patch or diff -u output)."

    def __init__(self):
        super().__init__(self.message)


@dataclass
class Commit:
    """A format-patch mail: its author, date, subject and message (the text before ``---``)."""

    author: str = ""
    date: str = ""
    subject: str = ""
    message: str = ""

    def to_dict(self) -> dict:
        return {"author": self.author, "date": self.date, "subject": self.subject, "message": self.message}


@dataclass
class FilePatch:
    """One file's change. Paths are None for ``/dev/null`` (added: no old path; deleted: no new)."""

    old_path: str | None
    new_path: str | None
    status: str = "modified"  # added, deleted, modified, renamed, copied
    similarity: int | None = None
    binary: bool = False
    old_mode: str | None = None
    new_mode: str | None = None
    additions: int = 0
    deletions: int = 0
    hunks: list[Hunk] = field(default_factory=list)
    commit: int | None = None  # index in Patch.commits of the mail it came in
    truncated: bool = False  # some lines were counted but not kept (``max_lines``)

    @property
    def path(self) -> str:
        """The path ``git apply --numstat`` names: the new one, the old one for a deletion."""
        return self.new_path if self.new_path is not None else self.old_path

    def meta(self) -> dict:
        """Everything but the hunks, as JSON-able data."""
        return {
            "old_path": self.old_path, "new_path": self.new_path, "status": self.status,
            "similarity": self.similarity, "binary": self.binary, "old_mode": self.old_mode,
            "new_mode": self.new_mode, "additions": self.additions, "deletions": self.deletions,
            "commit": self.commit, "truncated": self.truncated,
        }


@dataclass
class Patch:
    files: list[FilePatch] = field(default_factory=list)
    commits: list[Commit] = field(default_factory=list)
    only_in: list[tuple[str, str]] = field(default_factory=list)  # (directory, name) of diff -r
    lines_kept: int = 0

    @property
    def totals(self) -> dict:
        return {
            "files": len(self.files),
            "additions": sum(f.additions for f in self.files),
            "deletions": sum(f.deletions for f in self.files),
        }


    def mark_words(self) -> None:
        """Word marks on the changed lines of every file, within one budget for the whole patch."""
        budget = Budget()
        for file in self.files:
            file.hunks = mark_words(file.hunks, budget)

    def mark_moved(self) -> None:
        """Moved code within and across the files (``core.moved``); ``Line.moved`` names a
        file by its index in ``files``."""
        marked = mark_moved([(file.path, file.hunks) for file in self.files])
        for file, hunks in zip(self.files, marked):
            file.hunks = hunks

    def to_json(self, max_bytes: int | None = None) -> str:
        """The patch as JSON text: files (``meta()`` and hunks), commits, only_in, totals.

        OutputTooLarge once it passes ``max_bytes`` characters, checked after each file.
        """
        out, size = ['{"files": ['], 0
        for index, file in enumerate(self.files):
            out.append(("" if index == 0 else ", ") + dumps(file.meta(), ensure_ascii=False)[:-1]
                       + ', "hunks": ' + _hunks_json(file) + "}")
            size += len(out[-1])
            if max_bytes is not None and size > max_bytes:
                raise OutputTooLarge(size, max_bytes)
        only_in = [{"directory": directory, "name": name} for directory, name in self.only_in]
        out.append(f'], "commits": {dumps([c.to_dict() for c in self.commits], ensure_ascii=False)}, '
                   f'"only_in": {dumps(only_in, ensure_ascii=False)}, "totals": {dumps(self.totals)}}}')
        return "".join(out)

    def to_plain(self) -> dict:
        """Plain data that pickles cheaply between processes (``from_plain`` gives the Patch back)."""
        return {
            "files": [(_meta_fields(file), diff_of(file).to_plain()) for file in self.files],
            "commits": [commit.to_dict() for commit in self.commits],
            "only_in": list(self.only_in),
            "lines_kept": self.lines_kept,
        }

    @classmethod
    def from_plain(cls, plain: dict) -> "Patch":
        files = [FilePatch(**meta, hunks=Diff.from_plain(diff).hunks) for meta, diff in plain["files"]]
        commits = [Commit(**commit) for commit in plain["commits"]]
        return cls(files, commits, [tuple(entry) for entry in plain["only_in"]], plain["lines_kept"])


def _meta_fields(file):
    return {name: value for name, value in file.__dict__.items() if name != "hunks"}


def diff_of(file):
    """A file of the patch as the core's ``Diff`` (its hunks, counts and binary flag)."""
    return Diff(file.hunks, Stats(file.additions, file.deletions, len(file.hunks), False), file.binary)


def sides(file):
    """A file's hunks as the two texts a highlighter colours, each with the line number of each of
    its lines: ``((old text, old numbers), (new text, new numbers))``, the old side its context and
    removed lines, the new side its context and added lines, every line ended by ``\\n``."""
    old, old_numbers, new, new_numbers = [], [], [], []
    for hunk in file.hunks:
        for line in hunk.lines:
            if line.kind != "add":
                old.append(line.text)
                old_numbers.append(line.old_no)
            if line.kind != "delete":
                new.append(line.text)
                new_numbers.append(line.new_no)
    return ("\n".join(old) + "\n" if old else "", old_numbers), ("\n".join(new) + "\n" if new else "", new_numbers)


_HUNKS_KEY = '}, "hunks": '


def _hunks_json(file):
    """The JSON array of a file's hunks, exactly as ``Diff.to_json`` writes them (and as fast).

    ``Diff.to_json`` gives ``{"binary": …, "stats": {numbers}, "hunks": […]}``: the first
    ``}, "hunks": `` ends the stats, and the array runs to the closing brace.
    """
    text = diff_of(file).to_json()
    return text[text.index(_HUNKS_KEY) + len(_HUNKS_KEY):-1]


def parse_patch(text: str, max_lines: int | None = None, stop_at_max: bool = False) -> Patch:
    """The files, commits and ``Only in`` entries of ``text``; PatchError or NoChanges.

    Past ``max_lines`` hunk lines, the rest are counted, not kept; or, with ``stop_at_max``,
    reading stops there with TooManyLines (for a caller that cannot use a part).
    """
    reader = _Reader(text, max_lines, stop_at_max)
    reader.read()
    patch = reader.patch
    if not patch.files and not patch.only_in:
        raise NoChanges()
    return patch


class _Reader:
    def __init__(self, text, max_lines, stop_at_max=False):
        self.lines = text.split("\n")
        if self.lines and self.lines[-1] == "":
            self.lines.pop()
        self.i = 0
        self.patch = Patch()
        self.room = max_lines  # lines that may still be kept; None: no limit
        self.max_lines, self.stop_at_max = max_lines, stop_at_max

    def header(self, i):
        """Line ``i`` without its CR, for reading headers."""
        line = self.lines[i]
        return line[:-1] if line.endswith("\r") else line

    def fail(self, what, index):
        raise PatchError(what, index + 1)

    def read(self):
        n = len(self.lines)
        while self.i < n:
            line = self.header(self.i)
            if line.startswith(GIT_HEADER):
                self.git_file()
            elif line.startswith("--- ") and self.i + 1 < n and self.header(self.i + 1).startswith("+++ "):
                self.plain_file()
            elif line.startswith("@@ ") and HUNK_HEADER.match(line):
                self.fail("a hunk (@@) with no file header (diff --git, or --- and +++) before it.", self.i)
            elif line.startswith(("diff --cc ", "diff --combined ")):
                self.fail("combined diffs (of merge commits) cannot be read; use a diff against one parent.", self.i)
            elif MAIL_SEPARATOR.match(line) or (self.i == 0 and MAIL_FIELDS.match(line)):
                self.mail()
            elif line.startswith("Only in ") and (match := ONLY_IN.fullmatch(line)):
                self.patch.only_in.append((match[1], match[2]))
                self.i += 1
            elif line.startswith("Binary files ") and (match := BINARY_FILES.fullmatch(line)):
                old, new = _plain_path(match[1]), _plain_path(match[2])
                self.add_file(FilePatch(old, new, binary=True, status=_plain_status(old, new)))
                self.i += 1
            else:  # between files: diff -r command lines, a diffstat, Index: lines, a signature
                self.i += 1

    # ---- files ----

    def add_file(self, file):
        file.commit = len(self.patch.commits) - 1 if self.patch.commits else None
        self.patch.files.append(file)

    def git_file(self):
        start = self.i
        old, new = _git_names(self.header(start)[len(GIT_HEADER):])
        file = FilePatch(old, new)
        index_mode = None
        self.i += 1
        n = len(self.lines)
        while self.i < n:
            line = self.header(self.i)
            word, value = _extended(line)
            if word is None:
                break
            if word in ("old mode", "deleted file mode"):
                file.old_mode = value
            if word in ("new mode", "new file mode"):
                file.new_mode = value
            if word == "new file mode":
                file.status, file.old_path = "added", None
            elif word == "deleted file mode":
                file.status, file.new_path = "deleted", None
            elif word in ("rename from", "copy from"):
                file.old_path = _unquoted(value)
            elif word in ("rename to", "copy to"):
                file.new_path = _unquoted(value)
                file.status = "renamed" if word == "rename to" else "copied"
            elif word == "similarity index":
                file.similarity = _percent(value, self, self.i)
            elif word == "index":
                parts = value.split()
                if len(parts) == 2:
                    index_mode = parts[1]
            self.i += 1
        if index_mode is not None:
            file.old_mode = file.old_mode or (index_mode if file.status != "added" else None)
            file.new_mode = file.new_mode or (index_mode if file.status != "deleted" else None)
        if self.i < n:
            line = self.header(self.i)
            if line.startswith("--- "):
                if self.i + 1 >= n or not self.header(self.i + 1).startswith("+++ "):
                    self.fail("a --- line not followed by its +++ line.", self.i)
                self.i += 2
                self.hunks(file)
            elif BINARY_FILES.fullmatch(line):
                file.binary = True
                self.i += 1
            elif line == "GIT binary patch":
                file.binary = True
                self.skip_binary()
        if file.old_path is None and file.new_path is None:
            self.fail("a diff --git line whose file names cannot be read.", start)
        self.add_file(file)

    def plain_file(self):
        old = _plain_path(_name_of(self.header(self.i)[4:]))
        new = _plain_path(_name_of(self.header(self.i + 1)[4:]))
        file = FilePatch(old, new, status=_plain_status(old, new))
        self.i += 2
        self.hunks(file)
        if file.status == "modified" and len(file.hunks) == 1:  # diff -N: a file from or to nothing
            hunk = file.hunks[0]
            if hunk.old_start == 0 and hunk.old_count == 0:
                file.status, file.old_path = "added", None
            elif hunk.new_start == 0 and hunk.new_count == 0:
                file.status, file.new_path = "deleted", None
        self.add_file(file)

    def skip_binary(self):
        """Past a ``GIT binary patch`` block: ``literal``/``delta`` lines, base85 lines, blanks."""
        self.i += 1
        n = len(self.lines)
        while self.i < n:
            line = self.header(self.i)
            if line and not line.startswith(("literal ", "delta ")) and not BASE85_LINE.fullmatch(line):
                break
            self.i += 1

    # ---- hunks ----

    def hunks(self, file):
        n = len(self.lines)
        while self.i < n and self.lines[self.i].startswith("@@"):
            self.hunk(file)
        if not file.hunks and file.status == "modified" and not file.binary and self.i < n:
            line = self.header(self.i)
            if line and not line.startswith(("diff ", "--- ", "Only in ", "Binary files ")):
                self.fail(f"expected a hunk header (@@ -a,b +c,d @@), found {_shown(line)}.", self.i)

    def hunk(self, file):
        start = self.i
        match = HUNK_HEADER.match(self.header(start))
        if match is None:
            self.fail(f"a hunk header that cannot be read: {_shown(self.header(start))}.", start)
        old_no, new_no = int(match[1]), int(match[3])
        old_count = 1 if match[2] is None else int(match[2])
        new_count = 1 if match[4] is None else int(match[4])
        if max(old_no + old_count, new_no + new_count) > MAX_LINE_NUMBER:
            self.fail(f"a hunk header naming a line past {MAX_LINE_NUMBER:,}: {_shown(self.header(start))}.", start)
        old_left, new_left = old_count, new_count
        kept, lines, n = self.room, self.lines, len(self.lines)
        if old_count == 0:
            old_no += 1  # "-0,0" and "-5,0" name the line before: the next line is old_start + 1
        if new_count == 0:
            new_no += 1
        body = []
        append = body.append
        i = start + 1
        additions = deletions = dropped = 0
        while old_left > 0 or new_left > 0:
            if i >= n:
                self.fail(f"the patch ends inside the hunk that starts at line {start + 1:,} "
                          f"({old_left} old and {new_left} new lines missing).", n - 1)
            raw = lines[i]
            mark = raw[:1]
            if mark == " " or raw == "" or raw == "\r":  # git reads an empty line as empty context
                if old_left == 0 or new_left == 0:
                    self.fail(self.overrun(start, "context"), i)
                old_left -= 1
                new_left -= 1
                entry = ("context", old_no, new_no)
                old_no += 1
                new_no += 1
            elif mark == "-":
                if old_left == 0:
                    self.fail(self.overrun(start, "removed"), i)
                old_left -= 1
                deletions += 1
                entry = ("delete", old_no, None)
                old_no += 1
            elif mark == "+":
                if new_left == 0:
                    self.fail(self.overrun(start, "added"), i)
                new_left -= 1
                additions += 1
                entry = ("add", None, new_no)
                new_no += 1
            elif mark == "\\":
                self.no_newline(body, dropped)
                i += 1
                continue
            else:
                self.fail(f"expected a line of the hunk that starts at line {start + 1:,} "
                          f"(' ', '+', '-'; {old_left} old and {new_left} new lines to go), "
                          f"found {_shown(raw)}.", i)
            if kept is None or kept > 0:
                text = raw[1:]
                cr = text.endswith("\r")
                append(Line(*entry, text[:-1] if cr else text, None, False, cr))
                if kept is not None:
                    kept -= 1
            elif self.stop_at_max:
                raise TooManyLines(self.max_lines)
            else:
                dropped += 1
            i += 1
        if i < n and lines[i].startswith("\\"):  # "\ No newline at end of file" after the last line
            self.no_newline(body, dropped)
            i += 1
        self.i = i
        self.room = kept
        file.additions += additions
        file.deletions += deletions
        file.truncated = file.truncated or dropped > 0
        self.patch.lines_kept += len(body)
        if body or not dropped:
            file.hunks.append(Hunk(int(match[1]), old_count, int(match[3]), new_count, self.header(start), body))

    @staticmethod
    def no_newline(body, dropped):
        """Mark the line before a ``\\ No newline at end of file`` (when it was kept)."""
        if body and not dropped:
            body[-1] = replace(body[-1], no_newline_at_end=True)

    def overrun(self, start, kind):
        article = "an" if kind == "added" else "a"
        return (f"{article} {kind} line beyond what the hunk header at line {start + 1:,} counts "
                "(its -a,b +c,d says how many old and new lines follow).")

    # ---- mail ----

    def mail(self):
        """A format-patch mail's headers and message, up to ``---`` or the first diff."""
        n = len(self.lines)
        if MAIL_SEPARATOR.match(self.header(self.i)):
            self.i += 1
        head = []
        while self.i < n and self.header(self.i) != "":
            head.append(self.header(self.i))
            self.i += 1
        headers = HeaderParser().parsestr("\n".join(head) + "\n\n")
        body = []
        while self.i < n:
            line = self.header(self.i)
            if line == "---" or line.startswith(GIT_HEADER) or MAIL_SEPARATOR.match(line):
                break
            if line.startswith("--- ") and self.i + 1 < n and self.header(self.i + 1).startswith("+++ "):
                break
            body.append(line)
            self.i += 1
        self.patch.commits.append(Commit(
            author=_decoded(headers.get("From", "")),
            date=_decoded(headers.get("Date", "")),
            subject=_decoded(headers.get("Subject", "")),
            message="\n".join(body).strip("\n"),
        ))


# ---- names ----

EXTENDED = (
    "old mode", "new mode", "deleted file mode", "new file mode", "copy from", "copy to",
    "rename from", "rename to", "similarity index", "dissimilarity index", "index",
)


def _extended(line):
    """``(word, value)`` of a git extended header line, else ``(None, "")``."""
    for word in EXTENDED:
        if line.startswith(word + " "):
            return word, line[len(word) + 1:]
    return None, ""


def _percent(value, reader, index):
    if not (value.endswith("%") and value[:-1].isdigit()):
        reader.fail(f"a similarity index that is not a percentage: {_shown(value)}.", index)
    return int(value[:-1])


def _git_names(rest):
    """The old and new paths of ``diff --git a/X b/Y``, without their a/ and b/."""
    if rest.startswith('"'):
        old, after = _quoted_prefix(rest)
        return _strip(old), _strip(_unquoted(after.strip()))
    half = (len(rest) - 1) // 2
    if len(rest) % 2 and rest[half] == " " and _strip(rest[:half]) == _strip(rest[half + 1:]):
        return _strip(rest[:half]), _strip(rest[half + 1:])
    old, sep, new = rest.partition(" b/")
    if sep:
        return _strip(old), new
    old, _, new = rest.partition(" ")
    return _strip(old), _strip(_unquoted(new))


def _quoted_prefix(text):
    """``(path, rest)``: the C-quoted path at the start of ``text``, unquoted, and what follows it."""
    i = 1
    while i < len(text) and text[i] != '"':
        i += 2 if text[i] == "\\" else 1
    return _unquoted(text[: i + 1]), text[i + 1:]


OCTAL = re.compile(r"[0-7]{3}")
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def _unquoted(name):
    """A git C-quoted path (``"t\\303\\251st"``) as text; an unquoted one as is."""
    if len(name) < 2 or not (name.startswith('"') and name.endswith('"')):
        return name
    out, i, body = bytearray(), 0, name[1:-1]
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if OCTAL.fullmatch(body[i + 1: i + 4]):
                out.append(int(body[i + 1: i + 4], 8) & 0xFF)
                i += 4
                continue
            out.extend(bytes([_ESCAPES[nxt]]) if nxt in _ESCAPES else nxt.encode("utf-8"))
            i += 2
            continue
        out.extend(char.encode("utf-8"))
        i += 1
    return out.decode("utf-8", "replace")


def _strip(path):
    """A path without its first component (``a/x`` is ``x``), as ``git apply -p1``."""
    if path == DEV_NULL:
        return None
    head, sep, rest = path.partition("/")
    return rest if sep and rest else path


def _name_of(value):
    """The file name of a ``---``/``+++`` line: before the tab that starts a timestamp."""
    name = value.split("\t", 1)[0]
    return _unquoted(name.rstrip(" ") if "\t" not in value else name)


def _plain_path(name):
    return None if name == DEV_NULL else _strip(_unquoted(name))


def _plain_status(old, new):
    if old is None:
        return "added"
    if new is None:
        return "deleted"
    return "modified"


def _decoded(value):
    """A mail header as text (RFC 2047 words such as ``=?UTF-8?q?…?=`` decoded), on one line."""
    try:
        text = str(make_header(decode_header(str(value))))
    except (ValueError, LookupError, UnicodeDecodeError):
        text = str(value)
    return " ".join(text.split())


def _shown(line):
    shown = line if len(line) <= MAX_SHOWN_LINE else line[:MAX_SHOWN_LINE] + "…"
    return repr(shown)
