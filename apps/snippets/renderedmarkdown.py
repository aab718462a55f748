"""The Markdown files of a page, rendered within the page's budget and kept by their text.

``markdown.render`` is bounded per file; a page of several files shares one budget
(``markdown.page_budget``), so one view costs at most what its worst file may. The HTML of a
rendered file is kept in this process's memory (``apps.byteslru``, bounded in bytes), under the
text's SHA-256, ``markdown.VERSION`` and the file's anchor prefix: the same text on another
view of the page (``?style=``, ``?source=``, revision n, the owner's page, which is never kept
whole) is not parsed again. A text too costly on its own is remembered as such (its reason,
a few bytes); one that only found the page's budget spent is tried again on the next view.
"""

import hashlib

from django.apps import apps

from apps.snippets import markdown

TOO_COSTLY = b"\x00"  # starts a kept refusal; rendered HTML never starts with NUL


def rendered(file, anchor_prefix, page):
    """The HTML of the Markdown ``file`` (a ``File``; its text is read only when not kept), or
    ``markdown.TooCostly``; the work is charged to ``page`` (``markdown.page_budget()``)."""
    kept = apps.get_app_config("snippets").markdowns
    digest = file.sha256 or hashlib.sha256(file.content.encode("utf-8")).hexdigest()  # stored, else made
    key = (digest, markdown.VERSION, anchor_prefix)
    html = kept.get(key)
    if html is not None:
        if html.startswith(TOO_COSTLY):
            raise markdown.TooCostly(html[len(TOO_COSTLY):].decode())
        return html.decode()
    try:
        made = markdown.render(file.content, anchor_prefix, page=page)
    except markdown.TooCostly as refused:
        if not refused.page:
            kept.put(key, TOO_COSTLY + refused.reason.encode())
        raise
    kept.put(key, made.encode())
    return made
