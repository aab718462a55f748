"""Rendered snippet pages kept in this process's memory, as bytes, least recently used out.

Bounded in bytes, in total and per page: a page over ``max_item_bytes`` (a snippet of tens
of thousands of lines) is not kept; it is made again from its cached, compressed rendering.
Only pages that are the same for every visitor go in (not the creator's one-time token
notice, never a burn-after-reading page), under a key made of everything the page shows
(see ``views.page_key``). The database is still asked on every request whether the
snippet exists, so a deleted or expired snippet is never served from here; a changed
one has a new key.
"""

import threading
from collections import OrderedDict


class PageCache:
    def __init__(self, max_bytes, max_item_bytes=None):
        self.max_bytes = max_bytes
        self.max_item_bytes = max_bytes // 8 if max_item_bytes is None else min(max_item_bytes, max_bytes)
        self.size = 0
        self.pages = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key, page):
        if len(page) > self.max_item_bytes:
            return  # one huge page would push out everything else
        with self.lock:
            old = self.pages.pop(key, None)
            self.size += len(page) - (len(old) if old is not None else 0)
            self.pages[key] = page
            while self.size > self.max_bytes:
                _, evicted = self.pages.popitem(last=False)
                self.size -= len(evicted)

    def forget(self, snippet_id):
        """Drop every page of one snippet (its keys start with its id, ``views.page_key``)."""
        with self.lock:
            for key in [key for key in self.pages if key[0] == snippet_id]:
                self.size -= len(self.pages.pop(key))

    def clear(self):
        with self.lock:
            self.pages.clear()
            self.size = 0
