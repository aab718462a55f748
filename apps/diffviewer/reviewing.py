"""Patches in, review pages out: reading a patch from a request, and what its review page shows.

A patch arrives as a raw body (``text/x-diff``, ``text/plain``), JSON ``{"patch": …}``, a
form field or a file upload ``patch``, or by reference (``/review?patch=<ref>``, under
``/compare``'s rules in ``refs``). It is read in a killable process (``work.review``:
``core.patch`` with word marks); this module turns the result into per-file rows
(``rows.py``, anchors prefixed per file) that the template streams, asking the highlighter
for the files' colours in a few batches, each asked a little ahead of its files' rows
(``Colours``), so highlighting overlaps with making the page.
"""

import contextvars
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass

import httpx

from apps import highlightclient, sitewide, textinput
from apps.diffviewer import forms, inputs, rows, tokens, work
from apps.diffviewer.core.patch import diff_of
from apps.diffviewer.inputs import InputError

log = logging.getLogger(__name__)
TEXT_BODIES = ("", "text/plain", "text/x-diff", "text/x-patch", "application/octet-stream")
API_FIELDS = ("patch",)
#: Bytes of patch text a page may send to the highlighter, all files together, in
#: DIFF_HIGHLIGHT_MAX_BYTES; and no file asks after DIFF_HIGHLIGHT_TIMEOUT seconds of asking
#: (the rest is plain), so colours add at most twice that to a page.
HIGHLIGHT_PAGE_FACTOR = 4
BATCH_BYTES = 32 * 1024  # of text per batch request: well within one highlight's 2 s budget, even at load 10
BATCH_FILES = 64
THREADS = 2  # batches asked at once, one thread each (a highlighter has 2 processes)
# Batches asked ahead of the rows being made (queued for those threads): from the outline on, the
# highlighter works while the whole job (word marks, moved code) runs; answered batches wait for
# their rows, so at most this many batches' token lines are held at once (1 MiB of text asked:
# the Django 5.1 -> 5.2 patch's 49 batches' colours take ~2 s of CPU, its whole job ~0.7 s).
AHEAD = 32
TITLE_FILES = 3  # file names a page's title gives before "and N more"
# Files a review page lists and shows; a patch of more (each costs a header, a list entry and
# a section even when its lines are past DIFF_MAX_RENDER_LINES) shows its first ones, says how
# many more there are, and leaves them to the patch itself and /api/patch. Django's whole
# 5.1 -> 5.2 change is 624 files.
MAX_FILES_SHOWN = 1000


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
    plan: rows.Plan | None  # None in the outline (the file list)
    rows: object  # an iterator of Markup chunks, made while the page streams (None in the outline)

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
    patch: object  # core.patch.Patch: the outline (files without hunks), for the head and file list
    files: list  # ReviewFile of the outline: for the file list (no rows)
    view: str
    truncated: bool
    details: object = ()  # an iterator of ReviewFile with hunks and rows, made while the page streams
    failure: str | None = None  # why the files could not be shown, once ``details`` is spent
    more_files: int = 0  # files of the patch past MAX_FILES_SHOWN: counted in the totals, not listed

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
    """The review page of ``text``, in two steps so its head leaves early.

    The whole job (``work.review``: parse, word marks, moved code) starts at once on a thread;
    meanwhile the outline (``work.review_outline``: the parse alone) is waited for, so a
    malformed or too large patch is refused with its status before the first byte. The page's
    head, totals and file list need only the outline; its files' rows (``ReviewPage.details``)
    come once the whole job has answered.

    The outline also gives each file's two sides (``work.review_outline``), so colours are asked
    (``Colours``) once the head has left, before the whole job answers: the highlighter's
    processes work while the whole job does, on the other core.
    """
    whole = ThreadPoolExecutor(max_workers=1, thread_name_prefix="review-job")
    job = whole.submit(contextvars.copy_context().run, work.review, text, settings)
    whole.shutdown(wait=False)
    outline, sides = work.review_outline(text, settings)
    files = [ReviewFile(file, f"f{number}", None, None)
             for number, file in enumerate(outline.files[:MAX_FILES_SHOWN], 1)]
    page = ReviewPage(outline, files, view, truncated=any(file.truncated for file in outline.files),
                      more_files=max(0, len(outline.files) - MAX_FILES_SHOWN))
    colours = Colours(outline.files[:MAX_FILES_SHOWN], sides, settings, environ)
    page.details = detailed_files(job, page, view, settings, colours)
    return page


def detailed_files(job, page, view, settings, colours):
    """Each file with its hunks and rows (made lazily), once the whole job has answered; if it
    fails after the page started, ``page.failure`` says why and no file is shown. The first
    colours are asked before waiting for it (after the head: their threads would slow it)."""
    colours.ask(AHEAD - 1)
    try:
        patch = job.result()
    except InputError as error:
        log.info("the review job failed after the page started: %s", error.message)
        page.failure = error.message
        colours.stop()
        return
    render = rows.split_rows if view == "side-by-side" else rows.unified_rows
    try:
        for outlined, file in zip(page.files, patch.files):
            plan = rows.plan_hunks(diff_of(file), 0, settings.DIFF_MAX_RENDER_LINES)
            made = file_rows(outlined.file, plan, outlined.anchor, render, colours)
            yield ReviewFile(file, outlined.anchor, plan, made)
    finally:
        colours.stop()  # a page cut short asks for nothing more; its threads end


def file_rows(outlined, plan, anchor, render, colours):
    """The rows of one file (``outlined``: the outline's, whose colours were asked), coloured when
    the highlighter answers in time."""
    if not plan.blocks:
        return
    old_tokens, new_tokens = colours.of(outlined)
    yield from render(plan, old_tokens, new_tokens, anchor=f"{anchor}-", file_anchor=file_anchor)


def file_anchor(index):
    """The anchor prefix of the patch's file at ``index`` (``f1-`` for the first), where a moved
    line's link leads when its counterpart is in another file."""
    return f"f{index + 1}-"


class Colours:
    """Token colours per file, from the highlighter, in a few batch requests made ahead of the rows.

    The files' sides (from the outline: ``core.patch.sides``) are grouped in order into batches
    (``BATCH_BYTES`` of text, ``BATCH_FILES`` files each); each batch is one
    ``POST /api/highlight/batch`` (``tokens.fetch_batch``), one job in one highlighter process,
    asked on one of ``THREADS`` threads. The first ``AHEAD`` are asked as soon as the outline
    is read; when a file's rows are reached, the batches up to ``AHEAD`` after its own are asked,
    so highlighting overlaps with the whole job and with making the rows. Bounds:
    at most ``DIFF_HIGHLIGHT_MAX_BYTES`` × ``HIGHLIGHT_PAGE_FACTOR`` bytes of text per page (later
    files are plain), and the page waits for colours at most ``DIFF_HIGHLIGHT_TIMEOUT`` ×
    ``HIGHLIGHT_PAGE_FACTOR`` seconds in all; after that, or after the highlighter failed to answer
    a batch, the rest of the page is plain.
    """

    def __init__(self, files, sides, settings, environ):
        self.settings, self.environ = settings, environ
        self.patience = settings.DIFF_HIGHLIGHT_TIMEOUT * HIGHLIGHT_PAGE_FACTOR
        self.batches, self.batch_of = plan_batches(files, sides, settings)
        self.asked = {}  # batch index -> Future of {id(file): (old, new)}, until the next batch's turn
        self.next_batch = 0  # the first batch not asked yet
        self.threads = None
        self.available = True

    def of(self, file):
        """``(old, new)`` token lines of one of the outline's files indexed by line number
        (``Numbered``), or None for plain."""
        index = self.batch_of.get(id(file))
        if index is None or not self.available:
            return None, None
        self.ask(index + AHEAD)
        started = time.monotonic()
        try:
            answers = self.asked[index].result(timeout=max(self.patience, 0.0))
        except FuturesTimeout:
            log.info("colours took longer than the page waits; the rest of the review is plain")
            answers = None
        except Exception:  # noqa: BLE001 -- colours are optional, the diff is not
            log.exception("asking for a batch of colours failed; the rest of the review is plain")
            answers = None
        finally:
            self.patience -= time.monotonic() - started
            self.asked.pop(index - 1, None)  # the batch before is done with: free its tokens
        if answers is None:
            self.stop()
            return None, None
        if index == len(self.batches) - 1:
            self.threads.shutdown(wait=False)  # every batch answered: the threads may end
        return answers.get(id(file), (None, None))

    def ask(self, last):
        """Ask for every batch up to ``last`` not asked yet, each on a thread of this page's."""
        if self.threads is None:
            self.threads = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="review-colours")
        while self.available and self.next_batch <= min(last, len(self.batches) - 1):
            # the thread sees this request's context (the composite's settings are a ContextVar)
            self.asked[self.next_batch] = self.threads.submit(contextvars.copy_context().run, self.fetch,
                                                              self.batches[self.next_batch])
            self.batches[self.next_batch] = None  # its texts are the thread's now: not held twice
            self.next_batch += 1

    def fetch(self, batch):
        """``{id(file): (old, new)}`` of one batch, or None when the highlighter did not answer."""
        client = sitewide.service_client(
            "highlighter", self.environ,
            timeout=httpx.Timeout(self.settings.DIFF_HIGHLIGHT_TIMEOUT * HIGHLIGHT_PAGE_FACTOR))
        if client is None:
            return None
        items = [(text, filename) for _, side in batch for text, filename, _ in side if text is not None]
        try:
            with client:
                found = iter(tokens.fetch_batch(client, items, self.settings))
        except highlightclient.Unavailable as error:
            log.info("highlighter unavailable (%s); the rest of the review is plain", error)
            return None
        answers = {}
        for file_id, side in batch:
            pair = []
            for text, _, numbers in side:
                lines = None if text is None else next(found)
                pair.append(None if lines is None else Numbered(numbers, lines))
            answers[file_id] = tuple(pair)
        return answers

    def stop(self):
        """No more colours on this page: pending batches are dropped, the threads end."""
        self.available = False
        if self.threads is not None:
            self.threads.shutdown(wait=False, cancel_futures=True)


def plan_batches(files, sides, settings):
    """``(batches, {id(file): batch index})``: each batch a list of ``(id(file), (old, new))``,
    each side ``(text, filename, line numbers)`` or ``(None, None, None)`` when too large or empty;
    ``sides`` are the files' as ``core.patch.sides`` gives them (None: nothing to colour)."""
    budget = settings.DIFF_HIGHLIGHT_MAX_BYTES * HIGHLIGHT_PAGE_FACTOR
    batches, batch_of, current, size = [], {}, [], 0
    for file, both in zip(files, sides):
        if both is None or file.binary:
            continue
        asked = []
        for (text, numbers), name in zip(both, (file.old_path, file.new_path)):
            length = len(text.encode("utf-8", "surrogatepass"))
            if not numbers or length > settings.DIFF_HIGHLIGHT_MAX_BYTES or length > budget:
                asked.append((None, None, None))
                continue
            budget -= length
            size += length
            asked.append((text, name or file.path, numbers))
        if all(text is None for text, _, _ in asked):
            continue
        current.append((id(file), tuple(asked)))
        batch_of[id(file)] = len(batches)
        if size >= BATCH_BYTES or len(current) >= BATCH_FILES:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    return batches, batch_of


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
