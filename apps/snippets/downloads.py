"""Downloads: one file as itself (as it always was), several as a ``.zip`` of their exact bytes.

``/s/<id>/download`` is the latest revision, ``/s/<id>/<n>/download`` revision n. The archive
holds each file under its name in the revision (names are checked file names: no path, no
``/`` or ``\\``), deflated, dated when the revision was made; it is named after the snippet
(its title as a slug, else its id; ``-<n>`` for revision n). It is built in a
``SpooledTemporaryFile``: in memory up to ``SPOOL_BYTES``, on disk past that, and sent from
there, so a worker holds at most the revision's texts (``SNIPPET_MAX_BYTES``) and the spool.
A burn-after-reading snippet is burned by its download, as by its raw text: by a POST (``burning``).
"""

import tempfile
import zipfile

from django.http import Http404, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from apps.snippets import burning, lookup, rawfiles, revisions
from apps.snippets.lookup import answers_gone

SPOOL_BYTES = 1 << 20
ZIP_TYPE = "application/zip"


@burning.readable_by_post
@answers_gone
def revision_download(request, snippet_id, number):
    """Revision ``number``: its one file as an attachment, or its files as a ``.zip``."""
    snippet = lookup.live(snippet_id)
    revision = revisions.numbered(snippet_id, number)
    if revision is None:
        raise Http404("This snippet has no such revision.")
    return download(request, snippet, revision, number)


def download(request, snippet, revision, number=None):
    """The download of ``revision`` (the latest when ``number`` is None)."""
    def respond(readable):
        files = revisions.files(revision)
        if len(files) == 1:
            response = rawfiles.file_response(request, readable, revision, files[0])
            response["Content-Disposition"] = content_disposition_header(True, rawfiles.one_file_name(request, readable, files[0]))
            return response
        return zip_response(readable, revision, files, number)

    if snippet.burn_after_reading:
        one = len(revisions.files(revision, text=False)) == 1  # asked only here: respond reads the texts
        content_type = "text/plain; charset=utf-8" if one else ZIP_TYPE
        return burning.serve(request, snippet.pk, respond, content_type=content_type)
    return respond(snippet)


def archive_name(snippet, number=None):
    """``<title slug or id>[-<n>].zip``."""
    base = slugify(snippet.title)[:80] or snippet.pk
    return f"{base}-{number}.zip" if number else f"{base}.zip"


def zip_response(snippet, revision, files, number=None):
    archive = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    try:
        write_zip(archive, files, revision.created_at)
        size = archive.tell()
        archive.seek(0)
    except BaseException:
        archive.close()
        raise
    response = StreamingHttpResponse(ReadOut(archive), content_type=ZIP_TYPE)
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = content_disposition_header(True, archive_name(snippet, number))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = burning.NO_STORE if snippet.burn_after_reading else "private, no-cache"
    return response


class ReadOut:
    """The spooled archive a piece at a time, closed (its disk file removed) when sent, or when
    the answer is closed unsent (a burn snippet's reader who lost the race drops it)."""

    def __init__(self, archive, size=64 * 1024):
        self.archive, self.size = archive, size

    def __iter__(self):
        with self.archive:
            while data := self.archive.read(self.size):
                yield data

    def close(self):
        self.archive.close()


def write_zip(target, files, made_at):
    """Each file's UTF-8 bytes under its name, deflated, into the open binary ``target``."""
    stamp = made_at.utctimetuple()[:6]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            entry = zipfile.ZipInfo(file.filename, date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16  # a plain file, readable by all (unzip sets it so)
            archive.writestr(entry, file.content.encode("utf-8"))
