"""The owner's edit page, ``/s/<id>/edit``: change, add, rename or remove files, and save them
as the next revision (``revisions.revise``).

The owner is who has the snippet's delete token in their session, as for delete and the
language correction; anyone else gets a 403 page. The form has Django's CSRF check and the
cross-site check every write has (``crosssite``). Saving files exactly as the latest revision
has them makes no revision, and the owner is told so. A burn-after-reading snippet is not
changeable (409), nor is one that has ``SNIPPET_MAX_REVISIONS`` revisions: the page says so,
with a link to fork it.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.snippets import catalog, intake, lookup, ownership, revisions
from apps.snippets.fileforms import FileBlocks
from apps.snippets.forms import FileForm
from apps.snippets.lookup import answers_gone
from apps.snippets.views import not_changed, strict_text

NOT_OWNER = "Only the snippet's creator can edit it, from the browser that created it."
NOTHING_CHANGED = "Nothing changed, so no new revision was made."


@require_http_methods(["GET", "HEAD", "POST"])
@strict_text
@answers_gone
def edit(request, snippet_id):
    snippet = lookup.live(snippet_id)
    if not snippet.accepts_delete_token(ownership.token_for(request, snippet.pk)):
        raise PermissionDenied(NOT_OWNER)
    if snippet.burn_after_reading:
        return not_changed(request, snippet, revisions.NOT_CHANGEABLE, 409, heading="Not changed")
    latest = revisions.latest(snippet_id)
    options = {"environ": request.META, "catalog": catalog.current(request.META)}
    if request.method == "POST":
        blocks = FileBlocks.posted(request, FileForm, **options)
        if blocks.is_valid():
            try:
                made, created = revisions.revise(snippet, blocks.uploads, request.META)
            except intake.Refused as refused:  # a text that was taken down; another edit at the same moment
                blocks.add_error(refused.message)
            else:
                if created:
                    messages.success(request, f"Saved as revision {made.number}.")
                else:
                    messages.info(request, NOTHING_CHANGED)
                return redirect(snippet)
    else:
        blocks = FileBlocks.initial(FileForm, revisions.files(latest), **options)
    # at the cap a change is refused (``revisions.refuse_past_cap``): said before the owner types one
    full = latest.number >= settings.SNIPPET_MAX_REVISIONS
    context = {"snippet": snippet, "latest": latest.number, "blocks": blocks, "full": full,
               "fork_url": reverse("snippets:fork", args=[snippet.pk]) if full else None}
    status = 400 if blocks.has_errors and request.method == "POST" else 200
    return render(request, "snippets/edit.html", context, status=status)
