"""What changed between two revisions of a snippet: ``/s/<id>/compare/<a>..<b>.patch`` and
``/s/<id>/compare/<a>..<b>``.

The ``.patch`` is a git patch that ``git apply`` applies to revision a's files to make revision
b's, byte for byte (``revisionpatch``, libgit2 through pygit2, in a killable process within
``compare_timeout``); ``a > b`` is the reverse patch, ``a == b`` an empty one. The page is the
diff viewer's patch review of that ``.patch``: a redirect to ``{DIFFVIEWER_URL}/review?patch=…``
(a site path when the diff viewer is co-mounted, fetched in-process; the ``.patch``'s absolute
URL when it is apart, which its ``DIFF_ALLOWED_ORIGINS`` must allow). The paste site knows the
diff viewer only by that URL. Without a diff viewer, or when the two revisions hold the same
files, the page is our own: every file with what happened to it, its lines changed, the raw
links of both revisions, and its part of the patch.

A burn-after-reading snippet has only the revision it was posted as, shown once: 404 here, as
its history is, and nothing is read.
"""

import hashlib
import json
from urllib.parse import quote, urlencode

from django.apps import apps
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from apps import killable, sitewide
from apps.snippets import intake, lookup, rawfiles, revisionpatch, revisions
from apps.snippets.lookup import answers_gone

PATCH_LEXERS = ("diff", "udiff")  # Pygments' aliases of the diff lexer: a snippet the review page reads

PATCH_TYPE = "text/x-diff; charset=utf-8"
PATCH_VERSION = "1"  # in the ETag: a change to how patches are made makes new tags
NO_REVISION = "This snippet has no revision {number}."
BURN_NOT_COMPARED = "A burn-after-reading snippet has no revisions to compare."
MEMORY_LIMIT_MB = 1024  # address space of a patch process: a runaway job fails, not the machine
RETIRE_ABOVE_MB = 256  # a process that grew past this after a big job is replaced by a fresh one
TIMEOUT_HINT = "Its files' changes are too costly to work out; download both revisions' files instead."


class Side:
    """One revision of the comparison and its files (names, digests; texts only when needed)."""

    def __init__(self, snippet, number):
        self.snippet, self.number = snippet, number
        self.revision = revisions.numbered(snippet.pk, number)
        if self.revision is None:
            raise Http404(NO_REVISION.format(number=number))
        self.files = revisions.files(self.revision, text=False)

    def named(self):
        """``{name in the patch: file}``."""
        return {patch_name(self.snippet.pk, file): file for file in self.files}

    def texts(self):
        """``[(name in the patch, text)…]``, read now."""
        return [(patch_name(self.snippet.pk, file), file.content) for file in revisions.files(self.revision)]


def patch_name(snippet_id, file):
    """A file's name in the patch: its name, or for a one-file snippet made before names were
    checked, what its download is called (the last part of a path; ``<id>.txt`` without one)."""
    try:
        return intake.check_filename(file.filename, 0) if file.filename else f"{snippet_id}.txt"
    except intake.Refused:
        return intake.one_file_name(file.filename) or f"{snippet_id}.txt"


def sides(snippet_id, a, b):
    snippet = lookup.live(snippet_id)
    if snippet.burn_after_reading:
        raise Http404(BURN_NOT_COMPARED)
    return snippet, Side(snippet, a), Side(snippet, b)


def same_files(old, new):
    """Whether both revisions hold the same names with the same bytes (an empty patch)."""
    return {name: file.sha256 for name, file in old.named().items()} == {
        name: file.sha256 for name, file in new.named().items()}


def etag(old, new):
    """Names and digests of both sides: the patch is a function of them."""
    listed = [PATCH_VERSION] + [sorted((name, file.sha256) for name, file in side.named().items()) for side in (old, new)]
    return '"' + hashlib.sha256(json.dumps(listed).encode()).hexdigest() + '"'


def made_patch(old, new):
    """``revisionpatch.git_patch`` of the two sides, in the pool (``killable.Failure`` past its budget)."""
    if same_files(old, new):
        return {"patch": b"", "files": []}
    return pool().call("patch", {"old": old.texts(), "new": new.texts()})


def pool():
    config = apps.get_app_config("snippets")
    return killable.shared_pool(
        revisionpatch.__name__,
        workers=config.compare_workers,
        timeout=config.compare_timeout,
        queue_timeout=config.compare_timeout,
        max_waiting=config.compare_waiting,
        memory_limit_mb=MEMORY_LIMIT_MB,
        retire_above_mb=RETIRE_ABOVE_MB,
        label="comparing revisions",
        timeout_hint=TIMEOUT_HINT,
    )


def failure_answer(failure, content_type="text/plain; charset=utf-8", body=None):
    response = HttpResponse(body if body is not None else failure.message + "\n", status=failure.status,
                            content_type=content_type)
    if failure.code == "busy":
        response["Retry-After"] = "5"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@answers_gone
def compare_patch(request, snippet_id, a, b):
    """The git patch from revision ``a`` to revision ``b``, as an attachment."""
    snippet, old, new = sides(snippet_id, a, b)
    tag = etag(old, new)
    response = get_conditional_response(request, etag=tag)
    if response is None:
        try:
            made = made_patch(old, new)
        except killable.Failure as failure:
            return failure_answer(failure)
        response = HttpResponse(made["patch"], content_type=PATCH_TYPE)
    response["ETag"] = tag
    response["Content-Disposition"] = content_disposition_header(True, f"{snippet.pk}-{a}..{b}.patch")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"  # its revisions never change, but the snippet may go
    # What the diff viewer's review page calls it, and the page it links to (docs/diffviewer.md).
    name = quote(f"{snippet}, revision {a} → {b}", safe="")
    response["Link"] = (f"<{reverse('snippets:history', args=[snippet.pk])}>; rel=\"alternate\"; "
                        f"type=\"text/html\"; title*=UTF-8''{name}")
    return response


@require_safe
@answers_gone
def compare(request, snippet_id, a, b):
    """The review of the ``.patch`` in the diff viewer, else (or when nothing changed) our own page."""
    snippet, old, new = sides(snippet_id, a, b)
    patch_path = reverse("snippets:compare-patch", args=[snippet.pk, a, b])
    identical = same_files(old, new)
    review = None if identical else review_url(request, patch_path)
    if review is not None:
        return redirect(review)
    made = {"patch": b"", "files": []}
    if not identical:
        try:
            made = made_patch(old, new)
        except killable.Failure as failure:
            page = render(request, "snippets/compare.html", {
                "snippet": snippet, "a": a, "b": b, "patch_url": patch_path, "failure": failure.message}).content
            return failure_answer(failure, "text/html; charset=utf-8", page)
    context = {
        "snippet": snippet, "a": a, "b": b, "old": old.revision, "new": new.revision, "patch_url": patch_path,
        "identical": identical, "files": shown_files(snippet, old, new, made),
        "unchanged": unchanged_files(snippet, old, new, made),
        "additions": sum(file["additions"] for file in made["files"]),
        "deletions": sum(file["deletions"] for file in made["files"]),
    }
    return render(request, "snippets/compare.html", context)


@require_safe
@answers_gone
def review_patch(request, snippet_id):
    """``/s/<id>/review``: a diff snippet's review page, for a diff viewer deployed apart (the
    snippet page links here then: only this request knows the absolute URL of its raw text)."""
    snippet = lookup.live(snippet_id)
    review = review_url(request, reverse("snippets:raw", args=[snippet.pk]))
    if review is None or snippet.burn_after_reading or snippet.lexer not in PATCH_LEXERS:
        raise Http404("This snippet is not a patch that can be reviewed here.")
    return redirect(review)


def review_url(request, patch_path):
    """The diff viewer's review page of the ``.patch``, or None when there is no diff viewer.

    Co-mounted (``DIFFVIEWER_URL`` is a path) the patch is given as a site path, which the diff
    viewer fetches in-process; apart, as the absolute URL this request came to."""
    base = sitewide.service_url("diffviewer")
    if base is None:
        return None
    ref = request.build_absolute_uri(patch_path) if base.startswith(("http://", "https://")) else patch_path
    return f"{base}/review?{urlencode({'patch': ref})}"


def shown_files(snippet, old, new, made):
    """Each changed file for the page: what happened, names, counts, raw links, its lines."""
    before, after = old.named(), new.named()
    budget = apps.get_app_config("snippets").compare_page_lines
    shown = []
    for entry in made["files"]:
        text = made["patch"][entry["start"]:entry["end"]].decode("utf-8")
        lines = text.split("\n")[:-1]  # each line ends with "\n"; a CR stays in its line, as in the file
        kept = lines[:max(budget, 0)]
        budget -= len(kept)
        shown.append({
            **entry,
            "old_raw": raw_link(snippet, old, before.get(entry["old_name"])),
            "new_raw": raw_link(snippet, new, after.get(entry["new_name"])),
            "lines": [(line_kind(line), line) for line in kept],
            "cut": len(kept) < len(lines),
        })
    return shown


def unchanged_files(snippet, old, new, made):
    """Names both revisions hold with the same bytes (not in the patch), with b's raw link."""
    touched = {entry["new_name"] for entry in made["files"]}
    before = old.named()
    return [{"name": name, "raw": raw_link(snippet, new, file)} for name, file in new.named().items()
            if name not in touched and name in before and before[name].sha256 == file.sha256]


def raw_link(snippet, side, file):
    if file is None:
        return None
    if file.filename:
        return rawfiles.raw_url(snippet.pk, file, side.number)
    return reverse("snippets:revision-raw", args=[snippet.pk, side.number])


def line_kind(line):
    """A CSS class for a line of the patch: a header, a hunk's head, an added or removed line."""
    if line.startswith("@@"):
        return "hunk"
    if line.startswith(("+++ ", "--- ")):
        return "header"
    if line.startswith("+"):
        return "add"
    if line.startswith("-"):
        return "delete"
    if line.startswith(" ") or line.startswith("\\"):
        return "context"
    return "header"
