"""Django's local-memory cache, bounded in bytes instead of in entries.

``LocMemCache`` counts entries (``MAX_ENTRIES``), so 300 entries of 18 MB each were as
welcome as 300 of 18 bytes: the renderings of a few big snippets grew a worker by hundreds
of megabytes. This backend keeps the same behaviour (pickled values, per-process, shared by
every thread's instance of one cache name, least recently used out, ``MAX_ENTRIES`` culled
as LocMemCache culls) and counts the pickled bytes: no entry over ``MAX_ITEM_BYTES`` is
kept, and the least recently used go once the total passes ``MAX_BYTES``.

The store is cachetools' ``TLRUCache``: least recently used out by size (``getsizeof``), each
entry with its own expiry time (Django's per-call timeout; ``None`` is never). cachetools is
not thread-safe, so every access holds the cache name's lock.

    CACHES = {"default": {"BACKEND": "apps.snippets.memorycache.BoundedMemoryCache",
                          "OPTIONS": {"MAX_BYTES": 32 * 2**20, "MAX_ITEM_BYTES": 4 * 2**20}}}
"""

import math
import pickle
import threading
import time
from typing import NamedTuple

from cachetools import TLRUCache
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

_stores = {}  # cache name -> (TLRUCache, lock), shared like LocMemCache's own stores


class Entry(NamedTuple):
    expires: float  # time.time() after which the entry is gone; math.inf for never
    pickled: bytes


def _expiry(key, entry, now):
    return entry.expires


def _size(entry):
    return len(entry.pickled)


class BoundedMemoryCache(BaseCache):
    pickle_protocol = pickle.HIGHEST_PROTOCOL

    def __init__(self, name, params):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self.max_bytes = int(options.get("MAX_BYTES", 32 * 1024 * 1024))
        self.max_item_bytes = int(options.get("MAX_ITEM_BYTES", self.max_bytes // 8))
        self._store, self._lock = _stores.setdefault(name, (
            TLRUCache(maxsize=self.max_bytes, ttu=_expiry, timer=time.time, getsizeof=_size), threading.Lock()))

    @property
    def bytes_held(self):
        return self._store.currsize

    def _expires(self, timeout):
        expires = self.get_backend_timeout(timeout)
        return math.inf if expires is None else expires

    def _put(self, key, pickled, expires):
        """Store under the lock; an entry too big to keep, or already expired, is dropped.

        Too big is measured against the shared store's own size too: the store was made by the
        first instance of this name, maybe with a smaller ``MAX_BYTES`` than this one's."""
        self._store.expire()  # the expired go first, so they count against nothing
        if len(pickled) > min(self.max_item_bytes, self._store.maxsize) or expires <= time.time():
            self._store.pop(key, None)  # too big to keep: the caller computes it again next time
            return
        if key not in self._store and len(self._store) >= self._max_entries:
            self._cull()
        self._store[key] = Entry(expires, pickled)

    def _cull(self):
        if self._cull_frequency == 0:
            self._store.clear()
            return
        for _ in range(len(self._store) // self._cull_frequency):
            self._store.popitem()  # the least recently used

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        pickled = pickle.dumps(value, self.pickle_protocol)
        with self._lock:
            if key in self._store:
                return False
            self._put(key, pickled, self._expires(timeout))
            return True

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            entry = self._store.get(key)
        return default if entry is None else pickle.loads(entry.pickled)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        pickled = pickle.dumps(value, self.pickle_protocol)
        with self._lock:
            self._put(key, pickled, self._expires(timeout))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            entry = self._store.get(key)
            if entry is None:
                return False
            self._put(key, entry.pickled, self._expires(timeout))
            return True

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            entry = self._store.get(key)
            if entry is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(entry.pickled) + delta
            self._put(key, pickle.dumps(value, self.pickle_protocol), entry.expires)
        return value

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return key in self._store

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._store.pop(key, None) is not None

    def clear(self):
        with self._lock:
            self._store.clear()
