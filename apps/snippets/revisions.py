"""A snippet's revisions: finding them, and making the next one from an edit.

A snippet has revisions 1, 2, 3…; each is a list of files (``File``: name, language, text)
and never changes once made, so ``/s/<id>/<n>`` always shows the same bytes. An edit
(``revise``) stores the files it is given as revision n+1, unless they are the latest
revision's files as they are (same names in the same order, same languages, same bytes):
then nothing is stored. Each revision holds all its files' texts (an unchanged file is
stored again in the next revision: a revision is read with one query, and never depends on
another one's rows).

Expiry, burn-after-reading, the delete token, the parent and a removal belong to the
snippet, so to all its revisions. A burn-after-reading snippet is never revised: it is
shown once, as it was posted.
"""

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.snippets import creation, intake
from apps.snippets.models import CHOSEN, File, Revision

NOT_CHANGEABLE = "A burn-after-reading snippet cannot be changed: it is shown once, to its reader, as it was posted."
CHANGED_MEANWHILE = "The snippet was changed by another edit at the same moment; load it again and retry."


CONFLICT_CODE = "conflict"
TOO_MANY_REVISIONS_CODE = "too_many_revisions"


class Conflict(intake.Refused):
    """An edit that cannot be made to this snippet as it is (409)."""

    def __init__(self, message, code=CONFLICT_CODE):
        super().__init__(message, status=409, code=code)


def latest(snippet_id):
    """The snippet's latest revision, or None (no such snippet)."""
    return Revision.objects.filter(snippet_id=snippet_id).order_by("-number").first()


def numbered(snippet_id, number):
    """Revision ``number`` of the snippet, or None."""
    return Revision.objects.filter(snippet_id=snippet_id, number=number).first()


def history(snippet_id):
    """Every revision of the snippet, oldest first (without their files)."""
    return list(Revision.objects.filter(snippet_id=snippet_id).order_by("number"))


def files(revision, text=True):
    """The files of ``revision`` in their order; ``text=False``: without their texts (names,
    languages, sizes and digests only), which is what a page or the API's JSON needs."""
    found = File.objects.filter(revision=revision).order_by("position")
    if not text:
        found = found.defer("content")
    found = list(found)
    for file in found:
        file.__dict__["_snippet_id"] = revision.snippet_id
    return found


def file_named(revision, filename):
    """The file of ``revision`` called ``filename`` (with its text), or None."""
    found = File.objects.filter(revision=revision, filename=filename).first()
    if found is not None:
        found.__dict__["_snippet_id"] = revision.snippet_id
    return found


def unchanged(stored, uploads):
    """Whether ``uploads`` (checked) are ``stored`` (a revision's files, with texts) as they are:
    the same names in the same order, the same bytes, and the same language (auto asks for
    the language the site decided, unless a person had chosen one)."""
    if len(stored) != len(uploads):
        return False
    return all(
        file.filename == upload.filename and file.content == upload.content and same_language(file, upload)
        for file, upload in zip(stored, uploads)
    )


def same_language(file, upload):
    if upload.lexer:
        return file.lexer == upload.lexer
    return file.lexer_source != CHOSEN or not file.lexer


def revise(snippet, uploads, environ):
    """Store ``uploads`` (checked by ``intake.check_files``, lexers by ``creation.lexer_choice``)
    as the next revision of ``snippet``: ``(revision, True)``, or ``(latest revision, False)``
    when nothing changed.

    Raises ``Conflict`` for a burn-after-reading snippet, one with ``SNIPPET_MAX_REVISIONS``
    revisions already (``refuse_past_cap``), or when another edit stored a revision meanwhile; ``intake.Refused`` for a text that was taken down. The highlighter is
    asked about new texts before the transaction; the revision and its files are written in
    one transaction, or nothing is.
    """
    if snippet.burn_after_reading:
        raise Conflict(NOT_CHANGEABLE, code="burn_after_reading")
    before = latest(snippet.pk)
    previous = files(before)
    if unchanged(previous, uploads):
        return before, False
    refuse_past_cap(before.number)
    revision = Revision(snippet=snippet, number=before.number + 1, created_at=timezone.now())
    new = creation.new_files(revision, uploads)
    creation.refuse_removed([file for file in new if not any(file.sha256 == old.sha256 for old in previous)])
    reused = [carry_over(file, previous) for file in new]
    fresh = [file for file, kept in zip(new, reused) if not kept]
    renderings = creation.settle(fresh, environ, burn=False)
    try:
        with transaction.atomic():
            # the latest revision is read again under the write lock: a concurrent edit wins, this one says so
            if latest(snippet.pk).number != before.number:
                raise Conflict(CHANGED_MEANWHILE)
            revision.save(force_insert=True)
            File.objects.bulk_create(new)
    except IntegrityError:  # the same number stored by another edit between the check and the insert
        raise Conflict(CHANGED_MEANWHILE) from None
    creation.remember(fresh, renderings, environ)
    apps.get_app_config("snippets").pages.forget(snippet.pk)  # its pages showed the revision before
    for file in new:
        file.__dict__["_snippet_id"] = snippet.pk
    snippet.__dict__["_head"] = new[0]
    return revision, True


def refuse_past_cap(latest_number):
    """Refuse a revision past ``SNIPPET_MAX_REVISIONS`` (each stores all its files' texts, up to
    ``SNIPPET_MAX_BYTES``; the cap bounds a snippet's storage, its revision list and its history
    page). Numbers run 1, 2, 3… without gaps, so the latest number is the count; the check in
    ``revise``'s transaction (latest unchanged) keeps two edits at once from passing it."""
    cap = settings.SNIPPET_MAX_REVISIONS
    if latest_number >= cap:
        raise Conflict(f"This snippet has {latest_number} {'revision' if latest_number == 1 else 'revisions'}, "
                       f"the most a snippet may have ({cap}). "
                       "Fork it into a new snippet to keep editing.", code=TOO_MANY_REVISIONS_CODE)


def carry_over(file, previous):
    """Give ``file`` the language and rendering notes of a file of the revision before with
    the same text and language request, so the highlighter is not asked again (its rendering
    is cached under the same key); True when there was one."""
    for old in previous:
        if old.sha256 == file.sha256 and (old.lexer == file.lexer if file.lexer else old.lexer_source != CHOSEN):
            if file.lexer == "" and old.filename != file.filename:
                continue  # auto: a new name may name another language
            file.lexer, file.lexer_source = old.lexer, old.lexer_source
            file.declined_key, file.declined_notice, file.declined_until = (
                old.declined_key, old.declined_notice, old.declined_until)
            return True
    return False


def create(environ, uploads, **options):
    """A new snippet with ``uploads`` as revision 1 (``creation.create``): ``(snippet, token)``."""
    return creation.create(environ, uploads, **options)

