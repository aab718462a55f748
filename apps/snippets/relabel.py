"""The owner's correction of a snippet's language: the same snippet, another lexer.

Detection can be wrong ("Python (detected)" for Go). The snippet's owner (its delete token
in their session, or sent to the API) names the right lexer, or ``auto`` to detect again:
the row of the first file of its latest revision changes in place (no fork, no new revision:
the same id, link and bytes), its notes about a declined
rendering are cleared, and its cached renderings and pages are dropped. The new rendering
is made at once, as at creation, so the page the owner is sent back to is ready. A
burn-after-reading snippet is not changed: nobody may read it before its one reader. Nor is
a snippet of several files (409 ``several_files``): a language is a file's, and this names no
file; an edit (``PUT`` with each file's ``lexer``, or the edit page) sets them.
"""

from apps.snippets import catalog, creation, highlighting, intake, language, revisions
from apps.snippets.models import File, Snippet

SEVERAL_FILES = ("This snippet has several files, and a language is a file's: set each file's language with an "
                 'edit (PUT /api/snippets/<id> with "files": [{"filename", "content", "lexer"}…], or the edit page).')


def relabel(snippet, requested, environ):
    """Give ``snippet`` (loaded with its content) the lexer ``requested`` (a name or alias, or
    ``auto``): True when stored, False when the snippet was removed or deleted meanwhile.

    Raises ``intake.Refused`` (``unknown_lexer``) for a lexer the highlighter does not know,
    (409 ``several_files``) for a snippet whose latest revision has several files.
    """
    if File.objects.filter(revision=revisions.latest(snippet.pk)).count() > 1:
        raise intake.Refused(SEVERAL_FILES, status=409, code="several_files")
    alias = creation.lexer_choice(requested, environ)
    known = catalog.current(environ)
    before = Snippet(pk=snippet.pk, sha256=snippet.sha256, lexer=snippet.lexer)  # its cache keys
    snippet.lexer = alias
    snippet.declined_key, snippet.declined_notice, snippet.declined_until = "", "", None
    rendering = highlighting.ask_highlighter(snippet, environ)
    if rendering.declined:
        highlighting.mark_declined(snippet, known.version, rendering)
    language.settle(snippet, rendering, known)
    head = snippet.head  # the language is a file's: the first file of the latest revision
    changed = File.objects.filter(pk=head.pk, revision__snippet__removed_at__isnull=True).update(
        lexer=snippet.lexer,
        lexer_source=snippet.lexer_source,
        declined_key=snippet.declined_key,
        declined_notice=snippet.declined_notice,
        declined_until=snippet.declined_until,
    )
    highlighting.forget(before, environ)  # every page of the snippet, and the old lexer's renderings
    if changed:
        highlighting.remember(snippet, known.version, rendering)
    return bool(changed)
