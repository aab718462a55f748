"""A thread-safe least-recently-used store of bytes, bounded in bytes in total and per item.

Shared by the highlighter's result cache and the paste site's page cache: both keep
rendered answers as the bytes they send, and both must stay within a memory budget
however big one answer is. The eviction and size accounting are cachetools' ``LRUCache``
(sized by ``len``); cachetools is not thread-safe, so every access holds one lock (a get
reorders the entries too). An item over ``max_item_bytes`` is not kept at all: one huge
answer must not push out many small ones.
"""

import threading

from cachetools import LRUCache


class BytesLRU:
    def __init__(self, max_bytes: int, max_item_bytes: int):
        self.max_bytes = max_bytes
        self.max_item_bytes = min(max_item_bytes, max_bytes)
        self.entries = LRUCache(maxsize=max_bytes, getsizeof=len)
        self.lock = threading.Lock()

    @property
    def size(self) -> int:
        """The bytes held now."""
        return self.entries.currsize

    def get(self, key):
        with self.lock:
            return self.entries.get(key)

    def put(self, key, value: bytes) -> bool:
        """Keep ``value`` under ``key``, least recently used out; False if it is too big to keep."""
        if len(value) > self.max_item_bytes:
            return False
        with self.lock:
            self.entries[key] = value
        return True

    def keys(self) -> list:
        """The keys held now, a copy taken under the lock (for tests and checks: reading it
        does not make any entry more recently used)."""
        with self.lock:
            return list(self.entries)

    def forget_where(self, doomed):
        """Drop every entry whose key ``doomed(key)`` is true."""
        with self.lock:
            for key in [key for key in self.entries if doomed(key)]:
                del self.entries[key]

    def clear(self):
        with self.lock:
            self.entries.clear()
