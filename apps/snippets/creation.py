"""Storing a new snippet: one atomic insert, a fresh id on collision, the lexer decided.

The language is decided when the snippet is stored (``auto`` asks the highlighter, which
looks at the file name, then the content), and that first rendering is put in the cache,
so the first reader does not wait for it (nor when the highlighter declined it: that is
remembered for a while too). Whether the language was chosen, named by the file or
detected is stored with it (``language``). Burn-after-reading snippets are not rendered
ahead: their only rendering is the one their reader sees (their language stays ``auto``). A text identical to one that was
taken down (same SHA-256) is refused (``refuse_removed_text``).
"""

import logging

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps import sitewide
from apps.snippets import catalog, highlighting, intake, language
from apps.snippets.models import Snippet, new_id

log = logging.getLogger(__name__)

REMOVED_TEXT = "This text was removed from the site for breaking its rules, and cannot be posted again."


def lexer_choice(requested, environ):
    """The lexer alias to store for a requested name ("" for auto), or Refused.

    Checked against the highlighter's list when it answers; when it does not, the name is
    accepted as given and rendering degrades to plain text if it turns out unknown.
    """
    requested = intake.check_text("language", (requested or "").strip())
    if requested == "" or requested.lower() == intake.AUTO:
        return ""
    known = catalog.current(environ)
    if not known.known:
        if len(requested) > 100:
            raise intake.Refused("The language name is too long.", code="unknown_lexer")
        return requested
    alias = known.lexer_alias(requested)
    if alias is None:
        url = sitewide.public_url("highlighter", "/api/lexers")
        where = f" at {url}" if url else ""
        raise intake.Refused(
            f"Unknown language {requested[:40]!r}. Use auto, or a lexer name or alias from "
            f"the highlighter's list{where} (the language menu on the page lists them too).",
            code="unknown_lexer",
        )
    return alias


def create_snippet(environ, *, content, title="", filename="", lexer="", expiry=None, burn=False, parent=None):
    """Store a snippet and return ``(snippet, delete_token)``; fields must be checked already."""
    config = apps.get_app_config("snippets")
    now = timezone.now()
    snippet = Snippet(
        id=new_id(),
        content=content,
        title=title,
        filename=filename,
        lexer=lexer,
        parent=parent,
        created_at=now,
        expires_at=intake.expires_at(expiry, now),
        burn_after_reading=burn,
    )
    token = snippet.set_delete_token()
    snippet.measure()
    if config.refuse_removed_text and Snippet.objects.removed_digest(snippet.sha256):
        raise intake.Refused(REMOVED_TEXT, status=422, code="removed_content")
    known = catalog.current(environ)
    rendering, version = None, known.version
    if not burn:
        rendering = highlighting.ask_highlighter(snippet, environ)
        if rendering.declined:
            highlighting.mark_declined(snippet, version, rendering)
    language.settle(snippet, rendering, known)  # the lexer auto decided, and whether it was detected
    insert(snippet, config.id_attempts)
    if rendering is not None:  # the rendering, or that the highlighter declined it, for the first views
        highlighting.remember(snippet, version, rendering)
    return snippet, token


def insert(snippet, attempts):
    """Insert with a fresh random id, retrying when the id is already taken."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                snippet.save(force_insert=True)
            return snippet
        except IntegrityError:
            if attempt + 1 == attempts or not Snippet.objects.filter(pk=snippet.pk).exists():
                raise
            log.warning("snippet id %s already taken; trying another", snippet.pk)
            snippet.pk = new_id()
    raise AssertionError("unreachable")
