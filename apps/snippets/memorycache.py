"""Django's local-memory cache, bounded in bytes instead of in entries.

``LocMemCache`` counts entries (``MAX_ENTRIES``), so 300 entries of 18 MB each were as
welcome as 300 of 18 bytes: the renderings of a few big snippets grew a worker by hundreds
of megabytes. This backend keeps the same behaviour (pickled values, per-process, least
recently used out) and counts the pickled bytes: no entry over ``MAX_ITEM_BYTES`` is kept,
and the least recently used go once the total passes ``MAX_BYTES``.

    CACHES = {"default": {"BACKEND": "apps.snippets.memorycache.BoundedMemoryCache",
                          "OPTIONS": {"MAX_BYTES": 32 * 2**20, "MAX_ITEM_BYTES": 4 * 2**20}}}
"""

import pickle

from django.core.cache.backends.locmem import LocMemCache

_usage = {}  # cache name -> [bytes held], shared like LocMemCache's own stores


class BoundedMemoryCache(LocMemCache):
    def __init__(self, name, params):
        super().__init__(name, params)
        options = params.get("OPTIONS", {})
        self.max_bytes = int(options.get("MAX_BYTES", 32 * 1024 * 1024))
        self.max_item_bytes = int(options.get("MAX_ITEM_BYTES", self.max_bytes // 8))
        self._usage = _usage.setdefault(name, [0])

    @property
    def bytes_held(self):
        return self._usage[0]

    def _set(self, key, value, timeout=None):
        self._delete(key)
        if len(value) > self.max_item_bytes:
            return  # too big to keep: the caller computes it again next time
        super()._set(key, value, timeout)
        self._usage[0] += len(value)
        while self._usage[0] > self.max_bytes and self._cache:
            self._evict_least_recent()

    def _evict_least_recent(self):
        key, value = self._cache.popitem()  # LocMemCache keeps the most recent first
        self._expire_info.pop(key, None)
        self._usage[0] -= len(value)

    def _cull(self):
        if self._cull_frequency == 0:
            self._cache.clear()
            self._expire_info.clear()
            self._usage[0] = 0
            return
        for _ in range(len(self._cache) // self._cull_frequency):
            self._evict_least_recent()

    def _delete(self, key):
        value = self._cache.pop(key, None)
        if value is None:
            return False
        self._expire_info.pop(key, None)
        self._usage[0] -= len(value)
        return True

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(self._cache[key]) + delta
            expires = self._expire_info[key]
            self._set(key, pickle.dumps(value, self.pickle_protocol))
            if key in self._expire_info:
                self._expire_info[key] = expires
        return value

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._usage[0] = 0
