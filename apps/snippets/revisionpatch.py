"""Two revisions' files in, the git patch between them out: what ``/s/<id>/compare/<a>..<b>.patch`` sends.

The patch is libgit2's ``git diff -M`` of two trees (pygit2): ``diff --git a/<name> b/<name>``
headers with ``index`` lines, ``new file mode``/``deleted file mode`` for added and removed
files, ``similarity index``/``rename from``/``rename to`` for a file renamed (its bytes
unchanged, or at least half of them kept, as git's default), names quoted as git quotes them,
``\\ No newline at end of file``, and every byte of the lines as stored (CRLF included). So
``git apply`` turns revision a's files into revision b's, byte for byte. Every file is diffed
as text (``FORCE_TEXT``): a snippet holds no NUL, so a text that libgit2 would guess binary
(many control characters) still gets hunks that ``git apply`` can use.

libgit2 diffs trees only within a repository: the blobs are written to a throwaway object
database in a temporary directory (a repository with only a loose-object backend, pygit2's
documented way to give a repository its own backends: 15 ms, where ``init_repository``
takes 35 ms; a revision is at most ``SNIPPET_MAX_BYTES``). The diff
of two texts of one-character lines can take seconds, so the site runs this as a job of an
``apps.killable`` pool (``JOBS``), killed past its time budget. Framework-free: plain data
in, plain data out.
"""

import tempfile

import pygit2
from pygit2.enums import DeltaStatus, DiffFind, DiffOption, FileMode

CONTEXT_LINES = 3
LOOSE_COMPRESSION = 1  # zlib level of the throwaway objects (0 writes objects libgit2 cannot read back)
STATUS_WORDS = {
    DeltaStatus.ADDED: "added",
    DeltaStatus.DELETED: "removed",
    DeltaStatus.MODIFIED: "changed",
    DeltaStatus.RENAMED: "renamed",
}


def git_patch(old, new):
    """The patch from files ``old`` to files ``new`` (each a list of ``(name, text)``; names
    unique, no ``/``): ``{"patch": bytes, "files": [...]}``, one entry per changed file in the
    patch's order: ``status`` (added, removed, changed, renamed), ``old_name`` and ``new_name``
    (None on the side it is missing from), ``similarity`` (renames, %), ``additions``,
    ``deletions``, and ``start``/``end``, where its part of the patch lies in its bytes.
    Identical files give ``b""`` and no entries."""
    with tempfile.TemporaryDirectory(prefix="revisionpatch-") as place:
        repository = throwaway_repository(place)
        diff = repository.diff(tree(repository, old), tree(repository, new),
                               flags=DiffOption.FORCE_TEXT, context_lines=CONTEXT_LINES)
        diff.find_similar(flags=DiffFind.FIND_RENAMES)
        parts, files, offset = [], [], 0
        for patch in diff:
            data = patch.data
            files.append(described(patch, offset, offset + len(data)))
            parts.append(data)
            offset += len(data)
    return {"patch": b"".join(parts), "files": files}


def throwaway_repository(place):
    """A repository whose objects go to ``place`` (loose, lightly compressed), with nothing else."""
    objects = pygit2.Odb()
    objects.add_backend(pygit2.OdbBackendLoose(place, LOOSE_COMPRESSION, False), 1)
    repository = pygit2.Repository()
    repository.set_odb(objects)
    return repository


def tree(repository, files):
    builder = repository.TreeBuilder()
    for name, text in files:
        builder.insert(name, repository.create_blob(text.encode("utf-8")), FileMode.BLOB)
    return repository[builder.write()]


def described(patch, start, end):
    delta = patch.delta
    status = STATUS_WORDS.get(delta.status, "changed")
    _, additions, deletions = patch.line_stats
    return {
        "status": status,
        "old_name": None if status == "added" else delta.old_file.path,
        "new_name": None if status == "removed" else delta.new_file.path,
        "similarity": delta.similarity if status == "renamed" else None,
        "additions": additions,
        "deletions": deletions,
        "start": start,
        "end": end,
    }


def patch_job(job):
    """``{"old": [(name, text)…], "new": [(name, text)…]}`` -> ``git_patch``'s answer."""
    return git_patch(job["old"], job["new"])


JOBS = {"patch": patch_job}


def warm_up():
    """Load libgit2 and make one patch before saying ready, not during a visitor's job."""
    git_patch([("a", "x\n")], [("a", "y\n")])
