"""Taking a snippet down: its content is erased for good, the fact and the reason stay.

What is emptied: the content, title, file name, language, delete token, and the notes about
its rendering; the snippet no longer expires (the cleanup command would delete the row, and
its id would then answer 404 instead of "removed"). What stays: the id (never reused), the
SHA-256 of the removed text (so the same text can be refused when posted again,
``SnippetQuerySet.removed_digest``), its size, its parent, when, by whom and why.

Every cache that could hold its rendering is told to drop it: this process's page cache and
the rendering cache (Redis too, when configured). Another process's page cache may still hold
its page until pushed out, but is never asked for it: every view asks the database first
whether the snippet may be shown (``lookup``).
"""

from django.db import transaction
from django.utils import timezone

from apps.snippets import highlighting
from apps.snippets.models import REASONS, Report, Snippet

ERASED = {
    "content": "",
    "title": "",
    "filename": "",
    "lexer": "",
    "lexer_source": "",
    "delete_token_hash": "",
    "declined_key": "",
    "declined_notice": "",
    "declined_until": None,
    "expires_at": None,
}


def remove(snippet_id, reason, by, environ=None):
    """Take the snippet down; True when this call removed it (False: already removed, or gone).

    Its open reports are closed as acted on, by ``by`` (the admin user).
    """
    if reason not in dict(REASONS):
        reason = "other"
    now = timezone.now()
    with transaction.atomic():
        snippet = Snippet.objects.defer("content").filter(pk=snippet_id, removed_at__isnull=True).first()
        if snippet is None:
            return False
        removed = Snippet.objects.filter(pk=snippet_id, removed_at__isnull=True).update(
            **ERASED, removed_at=now, removed_reason=reason, removed_by=by
        )
        Report.objects.filter(snippet_id=snippet_id, status=Report.OPEN).update(
            status=Report.ACTIONED, handled_at=now, handled_by=by
        )
    if removed:
        highlighting.forget(snippet, environ)
    return bool(removed)


def dismiss(reports, by):
    """Close open reports without acting on their snippets; returns how many were closed."""
    return reports.filter(status=Report.OPEN).update(status=Report.DISMISSED, handled_at=timezone.now(), handled_by=by)
