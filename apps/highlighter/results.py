"""The result cache: highlight responses, as the exact JSON bytes sent, by core.cache_key.

Keys are content hashes (request + Pygments version), so an entry never goes stale and
two processes can never disagree about one. Two levels:

- ``Memory``: a per-process LRU bounded in bytes (``HIGHLIGHT_CACHE_BYTES``, ``apps.byteslru``);
  a hit costs a lookup under a lock, which is what keeps a repeated request cheaper than a
  hello-world's share.
- ``Redis`` (when ``REDIS_URL`` is set): shared by every worker and instance, behind the
  per-process LRU, each entry kept ``HIGHLIGHT_CACHE_TTL`` seconds. Its total size is
  Redis's to bound (``maxmemory`` with an ``allkeys-lru`` policy). Redis being down only
  costs the cache: errors are logged, Redis is skipped for a few seconds, and requests
  are highlighted as if nothing was cached.

A result over ``HIGHLIGHT_CACHE_MAX_ITEM_BYTES`` is stored at neither level: a few large
renderings must not push out many small ones, nor sit in every worker's memory.
``put`` says whether it stored. Only successful results are stored (the callers' rule;
failures never reach ``put``), and never those of a ``Cache-Control: no-store`` request.
"""

import logging
import time

from apps.byteslru import BytesLRU

log = logging.getLogger(__name__)


class Memory(BytesLRU):
    """The per-process level: a thread-safe LRU of the JSON bytes, bounded by their total
    size; no entry over an eighth of the budget (nor over ``max_item``)."""

    def __init__(self, max_bytes: int, max_item: int | None = None):
        super().__init__(max_bytes, min(max_bytes // 8, max_item if max_item is not None else max_bytes))


class Nothing:
    """No cache at all (``HIGHLIGHT_CACHE_BYTES=0`` and no Redis)."""

    def get(self, key):
        return None

    def put(self, key, value):
        return False


class Redis:
    """Redis behind an optional per-process LRU; Redis errors degrade to a miss."""

    PAUSE = 5.0  # seconds Redis is left alone after an error

    def __init__(self, url: str, prefix: str, ttl: int, local, max_item: int):
        import redis

        self.redis_errors = redis.RedisError
        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.prefix = prefix
        self.ttl = ttl
        self.local = local
        self.max_item = max_item
        self.paused_until = 0.0

    def get(self, key):
        value = self.local.get(key)
        if value is not None or time.monotonic() < self.paused_until:
            return value
        try:
            value = self.client.get(self.prefix + key)
        except self.redis_errors as error:
            self._pause(error)
            return None
        if value is not None:
            self.local.put(key, value)
        return value

    def put(self, key, value: bytes) -> bool:
        if len(value) > self.max_item:
            return False
        stored = self.local.put(key, value)
        if time.monotonic() < self.paused_until:
            return stored
        try:
            self.client.set(self.prefix + key, value, ex=self.ttl)
        except self.redis_errors as error:
            self._pause(error)
            return stored
        return True

    def _pause(self, error):
        log.warning("Redis cache unavailable (%s); retrying in %.0f s", error, self.PAUSE)
        self.paused_until = time.monotonic() + self.PAUSE


def from_config(config):
    """The cache the settings ask for (bad REDIS_URL syntax fails here, at start-up)."""
    size, max_item = config["HIGHLIGHT_CACHE_BYTES"], config["HIGHLIGHT_CACHE_MAX_ITEM_BYTES"]
    local = Memory(size, max_item) if size > 0 and max_item > 0 else Nothing()
    url = config["REDIS_URL"].strip()
    if not url or max_item == 0:
        return local
    try:
        return Redis(url, config["HIGHLIGHT_CACHE_PREFIX"], config["HIGHLIGHT_CACHE_TTL"], local, max_item)
    except ValueError as error:
        raise RuntimeError(f"REDIS_URL is not a valid Redis URL: {error}") from None
