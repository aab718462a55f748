"""Rendered snippet pages kept in this process's memory, as bytes, least recently used out.

Bounded in bytes, in total and per page (``apps.byteslru``): a page over ``max_item_bytes``
(a snippet of tens of thousands of lines) is not kept; it is made again from its cached,
compressed rendering. Only pages that are the same for every visitor go in (not the
creator's pages, which show the one-time token notice or the language correction with its
CSRF token; never a burn-after-reading page), under a key made of
everything the page shows (see ``snippetpage.page_key``). The database is still asked on every
request whether the snippet exists, so a deleted or expired snippet is never served from
here; a changed one has a new key.
"""

import hashlib

from apps.byteslru import BytesLRU


class PageCache(BytesLRU):
    def __init__(self, max_bytes, max_item_bytes=None):
        super().__init__(max_bytes, max_bytes // 8 if max_item_bytes is None else max_item_bytes)

    def get(self, key):
        return super().get(compact(key))

    def put(self, key, value):
        return super().put(compact(key), value)

    def forget(self, snippet_id):
        """Drop every page of one snippet (its keys start with its id, ``snippetpage.page_key``)."""
        self.forget_where(lambda key: key[0] == snippet_id)


def compact(key):
    """The key a page is kept under: its first two parts (the snippet's id, then the revision
    number or the kind of page: ``"history"``, ``"embed"``) and a digest of the rest. A page's key
    holds everything it shows (its files' names, fifty forks' titles: kilobytes), and the byte
    budget counts only the pages; this way a key costs the same few dozen bytes whatever it holds."""
    return (*key[:2], hashlib.blake2b(repr(key[2:]).encode(), digest_size=32).digest())
