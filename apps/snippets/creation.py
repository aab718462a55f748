"""Storing a new snippet: its revision 1 and files in one atomic insert, a fresh id on
collision, each file's lexer decided.

The language is decided when the snippet is stored (``auto`` asks the highlighter, which
looks at the file name, then the content), and that first rendering is put in the cache,
so the first reader does not wait for it (nor when the highlighter declined it: that is
remembered for a while too); all the files together wait at most the highlight timeout
(``settle``), the ones past it are rendered on their first view. Whether the language was chosen, named by the file or
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
from apps.snippets.models import File, Revision, Snippet, new_id

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


def create_snippet(environ, *, content=None, title="", filename="", lexer="", expiry=None, burn=False, parent=None,
                   files=None):
    """Store a snippet and return ``(snippet, delete_token)``; fields must be checked already.

    Its files are ``files`` (``intake.Upload``s checked by ``intake.check_files``), or the one
    file ``content``, ``filename`` and ``lexer`` (the name taken as ``intake.one_file_name``).
    """
    if files is None:
        files = [intake.Upload(intake.one_file_name(filename), content, lexer)]
    return create(environ, files, title=title, expiry=expiry, burn=burn, parent=parent)


def create(environ, uploads, *, title="", expiry=None, burn=False, parent=None):
    """Store a snippet with the files ``uploads`` (``intake.check_files`` checked them, and
    ``lexer_choice`` their lexers) as its revision 1: ``(snippet, delete_token)``.

    Everything is written in one transaction, or nothing is. Each file is rendered ahead,
    its language decided (auto: per file, by its name then its content).
    """
    config = apps.get_app_config("snippets")
    now = timezone.now()
    snippet = Snippet(
        id=new_id(),
        title=title,
        parent=parent,
        created_at=now,
        expires_at=intake.expires_at(expiry, now),
        burn_after_reading=burn,
    )
    token = snippet.set_delete_token()
    revision = Revision(snippet=snippet, number=1, created_at=now)
    files = new_files(revision, uploads)
    refuse_removed(files)
    renderings = settle(files, environ, burn=burn)
    insert(snippet, config.id_attempts, revision, files)
    snippet.__dict__["_head"] = files[0]  # a one-file snippet's fields (``Snippet.head``), without a query
    remember(files, renderings, environ)
    return snippet, token


def new_files(revision, uploads):
    """Unsaved ``File`` rows of ``revision`` for ``uploads``, measured."""
    files = []
    for position, upload in enumerate(uploads):
        file = File(revision=revision, position=position, filename=upload.filename, content=upload.content,
                    lexer=upload.lexer)
        file.measure()
        files.append(file)
    return files


def refuse_removed(files):
    """Refuse a text identical to one that was taken down (``refuse_removed_text``)."""
    if not apps.get_app_config("snippets").refuse_removed_text:
        return
    for file in files:
        if Snippet.objects.removed_digest(file.sha256):
            raise intake.Refused(REMOVED_TEXT if len(files) == 1 else f"{file.filename}: {REMOVED_TEXT}",
                                 status=422, code="removed_content")


def settle(files, environ, *, burn):
    """Ask the highlighter for each file and record the language each was decided as; the
    renderings, to be cached once stored. A burn snippet's files are asked with ``no-store``
    (the highlighter keeps nothing of them) and their renderings are not kept: nobody sees
    them before their one reader, but the creator is told the language as for any snippet.

    All the files share one ``highlighting.Budget`` (the highlight timeout): a file reached
    once it is spent is not asked about, and is stored as one the highlighter did not answer
    for in time is (auto stays undecided, nothing cached), to be rendered on its first view.
    """
    known = catalog.current(environ)
    budget = highlighting.Budget()
    renderings = []
    for file in files:
        rendering = None
        if not budget.spent:
            rendering = highlighting.ask_highlighter(file, environ, no_store=burn, budget=budget)
            if rendering.declined and not burn:
                highlighting.mark_declined(file, known.version, rendering)
        language.settle(file, rendering, known)  # the lexer auto decided, and whether it was detected
        renderings.append(None if burn else rendering)  # a burn snippet's rendering is not cached
    return renderings


def remember(files, renderings, environ):
    """Cache each rendering, or that the highlighter declined it, for the first views."""
    version = catalog.current(environ).version
    for file, rendering in zip(files, renderings):
        if rendering is not None:
            highlighting.remember(file, version, rendering)


def insert(snippet, attempts, revision, files):
    """Insert the snippet, its revision and files in one transaction, with a fresh random id,
    retrying when the id is already taken."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                snippet.save(force_insert=True)
                revision.snippet = snippet
                revision.save(force_insert=True)
                for file in files:
                    file.revision = revision
                File.objects.bulk_create(files)
            return snippet
        except IntegrityError:
            revision.pk = None
            if attempt + 1 == attempts or not Snippet.objects.filter(pk=snippet.pk).exists():
                raise
            log.warning("snippet id %s already taken; trying another", snippet.pk)
            snippet.pk = new_id()
    raise AssertionError("unreachable")
