"""Taking a snippet down: its content is erased for good, the fact and the reason stay.

What is emptied: the title and delete token, and in every file of every revision the text,
the name, the language and the notes about its rendering; the snippet no longer expires (the cleanup command would delete the row, and
its id would then answer 404 instead of "removed"). What stays: the id (never reused), the
SHA-256 of each removed text (so the same text can be refused when posted again,
``SnippetQuerySet.removed_digest``), its size, its parent, when, by whom and why.

Every cache that could hold its rendering is told to drop it: this process's page cache and
the rendering cache (Redis too, when configured). Another process's page cache may still hold
its page until pushed out, but is never asked for it: every view asks the database first
whether the snippet may be shown (``lookup``).
"""

from django.db import models, transaction
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from apps.snippets import highlighting
from apps.snippets.models import REASONS, File, Report, Snippet

ERASED = {"title": "", "delete_token_hash": "", "expires_at": None}
ERASED_IN_FILES = {
    "content": "",
    # names are unique in a revision: the first file's becomes "", the others' their position
    "filename": models.Case(models.When(position=0, then=models.Value("")),
                            default=Cast("position", models.CharField())),
    "lexer": "",
    "lexer_source": "",
    "declined_key": "",
    "declined_notice": "",
    "declined_until": None,
}


def remove(snippet_id, reason, by, environ=None):
    """Take the snippet down; True when this call removed it (False: already removed, or gone).

    Its open reports are closed as acted on, by ``by`` (the admin user).
    """
    if reason not in dict(REASONS):
        reason = "other"
    now = timezone.now()
    with transaction.atomic():
        snippet = Snippet.objects.filter(pk=snippet_id, removed_at__isnull=True).first()
        if snippet is None:
            return False
        files = list(File.objects.filter(revision__snippet_id=snippet_id).only("id", "sha256", "lexer"))
        removed = Snippet.objects.filter(pk=snippet_id, removed_at__isnull=True).update(
            **ERASED, removed_at=now, removed_reason=reason, removed_by=by
        )
        erased = File.objects.filter(revision__snippet_id=snippet_id)
        erased.update(filename=Concat(models.Value("/"), Cast("id", models.CharField())))  # no name collides meanwhile
        erased.update(**ERASED_IN_FILES)
        Report.objects.filter(snippet_id=snippet_id, status=Report.OPEN).update(
            status=Report.ACTIONED, handled_at=now, handled_by=by
        )
    if removed:
        for file in files:
            file.__dict__["_snippet_id"] = snippet_id
        highlighting.forget(snippet, environ, files=files)
    return bool(removed)


def dismiss(reports, by):
    """Close open reports without acting on their snippets; returns how many were closed."""
    return reports.filter(status=Report.OPEN).update(status=Report.DISMISSED, handled_at=timezone.now(), handled_by=by)
