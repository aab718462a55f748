"""Patches in, review pages out: reading a patch from a request, and what its review page shows.

A patch arrives as a raw body (``text/x-diff``, ``text/plain``), JSON ``{"patch": …}``, a
form field or a file upload ``patch``, or by reference (``/review?patch=<ref>``, under
``/compare``'s rules in ``refs``). It is read in a killable process (``work.review``:
``core.patch`` with word marks); this module turns the result into per-file rows
(``rows.py``, anchors prefixed per file) that the template streams, asking the highlighter
for each file's colours only when its rows are reached, so the page starts at once.
"""

import json
import logging
import time
from dataclasses import dataclass

import httpx

from apps import highlightclient, sitewide, textinput
from apps.diffviewer import forms, inputs, rows, tokens, work
from apps.diffviewer.core import Diff, Stats
from apps.diffviewer.inputs import InputError

log = logging.getLogger(__name__)
TEXT_BODIES = ("", "text/plain", "text/x-diff", "text/x-patch", "application/octet-stream")
API_FIELDS = ("patch",)
#: Bytes of patch text a page may send to the highlighter, all files together, in
#: DIFF_HIGHLIGHT_MAX_BYTES; and no file asks after DIFF_HIGHLIGHT_TIMEOUT seconds of asking
#: (the rest is plain), so colours add at most twice that to a page.
HIGHLIGHT_PAGE_FACTOR = 4
TITLE_FILES = 3  # file names a page's title gives before "and N more"


def checked(text, max_bytes, what="the patch"):
    """``text`` if it is text within ``max_bytes`` UTF-8 bytes, else an InputError."""
    if not isinstance(text, str):
        raise InputError("bad_request", "patch must be a string.")
    size = len(inputs.encode("patch", text))
    if size > max_bytes:
        raise InputError("too_large", f"The patch is {size:,} bytes; the limit is {max_bytes:,} bytes.", 413)
    if not text.strip():
        raise InputError("empty", f"Give a patch: {what} is empty.")
    return textinput.without_bom(text)


def api_text(request, max_bytes, max_parts):
    """The patch of a ``POST /api/patch``: JSON, a form (field or upload) or the raw body."""
    mimetype = request.mimetype
    if mimetype == "application/json":
        try:
            fields = json.loads(textinput.decode(request.get_data(cache=False), "the body"))
        except textinput.TextRefused as refused:
            raise inputs.refused_text(refused) from None
        except ValueError:
            raise InputError("bad_request", "The body is not valid JSON (UTF-8).") from None
        except RecursionError:
            raise InputError("bad_request", "The body nests arrays or objects too deeply.") from None
        if not isinstance(fields, dict) or "patch" not in fields:
            raise InputError("bad_request", 'The body must be a JSON object with the patch: {"patch": "…"}.')
        unknown = sorted(set(fields) - set(API_FIELDS))
        if unknown:
            raise InputError("bad_request", f"Unknown field {unknown[0][:40]!r}. Fields: {', '.join(API_FIELDS)}.")
        return checked(fields["patch"], max_bytes)
    if mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return form_text(request, max_bytes, max_parts)[0]
    if mimetype in TEXT_BODIES:
        data = request.get_data(cache=False)
        if len(data) > max_bytes:
            raise InputError("too_large", f"The patch is {len(data):,} bytes; the limit is {max_bytes:,} bytes.", 413)
        try:
            return checked(textinput.decode(data, "the body"), max_bytes, "the body")
        except textinput.TextRefused as refused:
            raise inputs.refused_text(refused) from None
    raise InputError("bad_request", f"Send the patch as text/x-diff or text/plain, as JSON {{\"patch\": …}}, "
                                    f"or as a form field or file named patch (not {mimetype[:60]}).")


def form_text(request, max_bytes, max_parts, textarea=False):
    """``(patch, fields)`` of a form: an uploaded file ``patch`` wins over the text box."""
    fields, uploads = forms.parse(request, max_parts=max_parts)
    upload = uploads.get("patch")
    if upload is not None and upload.filename:
        if len(upload.data) > max_bytes:
            raise InputError("too_large", f"The patch file is {len(upload.data):,} bytes; "
                                          f"the limit is {max_bytes:,} bytes.", 413)
        return checked(inputs.decode_upload("patch", upload.data, max_bytes), max_bytes, "the file"), fields
    text = fields.get("patch", "")
    if textarea:
        text = textinput.from_textarea(text)
    return checked(text, max_bytes), fields


def view_of(value):
    view = value or inputs.VIEWS[0]
    if view not in inputs.VIEWS:
        raise InputError("invalid_option", "view must be unified or side-by-side.")
    return view


# ---- the page ----

@dataclass
class ReviewFile:
    file: object  # core.patch.FilePatch
    anchor: str  # the id of its <details>, and the prefix of its line anchors ("f3-L12")
    plan: rows.Plan
    rows: object  # an iterator of Markup chunks, made while the page streams

    @property
    def title(self):
        file = self.file
        if file.old_path is not None and file.new_path is not None and file.old_path != file.new_path:
            return f"{file.old_path} → {file.new_path}"
        return file.path

    @property
    def mode_change(self):
        file = self.file
        if file.old_mode and file.new_mode and file.old_mode != file.new_mode:
            return f"Mode changed from {file.old_mode} to {file.new_mode}."
        return None


@dataclass
class ReviewPage:
    patch: object  # core.patch.Patch
    files: list
    view: str
    truncated: bool

    @property
    def file_names(self):
        """The files' names for the page's title: the first few, and how many more."""
        names = [item.file.path for item in self.files]
        shown = ", ".join(names[:TITLE_FILES])
        return shown if len(names) <= TITLE_FILES else f"{shown} and {len(names) - TITLE_FILES} more"


def named(fetched):
    """``(title, page href)`` when the answer of a patch fetched by reference named it and gave
    the page that shows it (``refs.described``, checked there), else None: the heading's link."""
    title, page = getattr(fetched, "title", ""), getattr(fetched, "page", None)
    return (title, page.href) if title and page is not None else None


def build(text, view, settings, environ):
    """The review page of ``text``: read in a killable process, rows made lazily per file."""
    patch = work.review(text, settings)
    colours = Colours(settings, environ)
    render = rows.split_rows if view == "side-by-side" else rows.unified_rows
    files = []
    for number, file in enumerate(patch.files, 1):
        diff = Diff(file.hunks, Stats(file.additions, file.deletions, len(file.hunks), False), file.binary)
        plan = rows.plan_hunks(diff, 0, settings.DIFF_MAX_RENDER_LINES)
        anchor = f"f{number}"
        files.append(ReviewFile(file, anchor, plan, file_rows(file, plan, anchor, render, colours)))
    return ReviewPage(patch, files, view, truncated=any(file.truncated for file in patch.files))


def file_rows(file, plan, anchor, render, colours):
    """The rows of one file, coloured when the highlighter answers in time (asked here, lazily)."""
    if not plan.blocks:
        return
    old_tokens, new_tokens = colours.of(file)
    yield from render(plan, old_tokens, new_tokens, anchor=f"{anchor}-", file_anchor=file_anchor)


def file_anchor(index):
    """The anchor prefix of the patch's file at ``index`` (``f1-`` for the first), where a moved
    line's link leads when its counterpart is in another file."""
    return f"f{index + 1}-"


class Colours:
    """Token colours per file, from the highlighter, within a page's budget of bytes and time;
    after one failure to answer, or once the budget is spent, plain for the rest."""

    def __init__(self, settings, environ):
        self.settings, self.environ = settings, environ
        self.available = True
        self.budget = settings.DIFF_HIGHLIGHT_MAX_BYTES * HIGHLIGHT_PAGE_FACTOR
        self.deadline = None  # set when the first file asks: colours never delay a page by more

    def of(self, file):
        """``(old, new)`` token lines indexed by line number (``Numbered``), or None for plain."""
        if self.deadline is None:
            self.deadline = time.monotonic() + self.settings.DIFF_HIGHLIGHT_TIMEOUT
        if not self.available or not file.hunks or time.monotonic() > self.deadline:
            return None, None
        old = side_lines(file, "add")
        new = side_lines(file, "delete")
        size = sum(len(text) for _, text in old) + sum(len(text) for _, text in new)
        if size > self.budget:
            return None, None
        self.budget -= size
        client = sitewide.service_client("highlighter", self.environ,
                                         timeout=httpx.Timeout(self.settings.DIFF_HIGHLIGHT_TIMEOUT))
        if client is None:
            self.available = False
            return None, None
        try:
            with client:
                return (self.numbered(client, old, file.old_path or file.path),
                        self.numbered(client, new, file.new_path or file.path))
        except highlightclient.Unavailable as error:
            log.info("highlighter unavailable (%s); the rest of the review is plain", error)
            self.available = False
            return None, None

    def numbered(self, client, lines, filename):
        if not lines:
            return None
        text = "".join(text + "\n" for _, text in lines)
        found = tokens.fetch(client, text, "", filename, self.settings)
        return None if found is None else Numbered([number for number, _ in lines], found)


def side_lines(file, other_kind):
    """``(line number, text)`` of one side's lines in the hunks: old (without the added), new."""
    number = "new_no" if other_kind == "delete" else "old_no"
    return [(getattr(line, number), line.text) for hunk in file.hunks for line in hunk.lines if line.kind != other_kind]


class Numbered:
    """Token lines by line number, as ``rows`` reads a whole file's (``tokens[number - 1]``),
    for the few lines of a file a patch has."""

    def __init__(self, numbers, token_lines):
        self.by_number = dict(zip(numbers, token_lines))
        self.size = max(numbers, default=0)

    def __len__(self):
        return self.size

    def __getitem__(self, index):
        return self.by_number.get(index + 1)
