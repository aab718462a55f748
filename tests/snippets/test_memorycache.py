"""apps.snippets.memorycache: Django's cache API on a store bounded in bytes (issue 9 item 4).

Budgets, caps and replacements are in test_caches.py; here, the rest of the cache API as
Django's own local-memory cache answers it: expiry, add, touch, has_key, incr, MAX_ENTRIES,
one store per name shared by every thread's instance."""

import threading

import pytest

from apps.snippets.memorycache import BoundedMemoryCache

KB = 1024


def bounded_cache(name="tests-memorycache", **options):
    store = BoundedMemoryCache(name, {"OPTIONS": {"MAX_BYTES": 10 * KB, "MAX_ITEM_BYTES": 4 * KB, **options}})
    store.clear()
    return store


@pytest.fixture
def cache():
    store = bounded_cache()
    yield store
    store.clear()


def test_a_timeout_of_zero_or_in_the_past_keeps_nothing_and_drops_the_old_value(cache):
    cache.set("k", "old")
    cache.set("k", "new", 0)
    assert cache.get("k") is None and cache.bytes_held == 0
    cache.set("k", "old")
    cache.set("k", "new", -5)
    assert cache.get("k", "default") == "default" and not cache.has_key("k")


def test_no_timeout_keeps_an_entry_until_it_is_pushed_out(cache):
    cache.set("k", "v", None)
    assert cache.get("k") == "v"


def test_add_stores_only_a_missing_key(cache):
    assert cache.add("k", 1) is True
    assert cache.add("k", 2) is False and cache.get("k") == 1
    cache.delete("k")
    assert cache.add("k", 3) is True and cache.get("k") == 3


def test_touch_gives_a_new_timeout_and_zero_ends_the_entry(cache):
    assert cache.touch("missing") is False
    cache.set("k", "v", 60)
    assert cache.touch("k", None) is True and cache.get("k") == "v"
    assert cache.touch("k", 0) is True and cache.get("k") is None


def test_incr_and_decr_keep_the_entry_and_a_missing_key_is_an_error(cache):
    cache.set("n", 10, 60)
    assert cache.incr("n", 5) == 15 and cache.decr("n") == 14 and cache.get("n") == 14
    with pytest.raises(ValueError):
        cache.incr("missing")


def test_delete_says_whether_there_was_an_entry(cache):
    cache.set("k", "v")
    assert cache.delete("k") is True and cache.delete("k") is False


def test_many_at_once_go_through_the_same_store(cache):
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    cache.delete_many(["a", "b"])
    assert cache.bytes_held == 0


def test_max_entries_culls_the_least_recently_used_as_locmemcache_does():
    cache = bounded_cache("tests-memorycache-entries", MAX_ENTRIES=6, CULL_FREQUENCY=3)
    for n in range(6):
        cache.set(n, n)
    cache.get(0)  # now the most recently used
    cache.set("new", "v")
    assert [n for n in range(6) if cache.has_key(n)] == [0, 3, 4, 5] and cache.get("new") == "v"


def test_every_instance_of_one_name_shares_one_store_and_its_count():
    """Django makes one cache object per thread; they must all see one store, as LocMemCache's do."""
    first = bounded_cache("tests-memorycache-shared")
    other = []
    thread = threading.Thread(target=lambda: other.append(BoundedMemoryCache("tests-memorycache-shared", {})))
    thread.start()
    thread.join()
    first.set("k", b"x" * 100)
    assert other[0].get("k") == b"x" * 100 and other[0].bytes_held == first.bytes_held > 100
    first.clear()


def test_a_later_instance_with_a_bigger_size_drops_what_the_shared_store_cannot_hold():
    """The store is made by the first instance of a name (``override_settings(CACHES=…)`` makes
    more); an entry over that store's size is dropped as too big, never an error from ``set``."""
    first = bounded_cache("tests-memorycache-sizes", MAX_BYTES=KB, MAX_ITEM_BYTES=KB // 2)
    later = BoundedMemoryCache("tests-memorycache-sizes", {"OPTIONS": {"MAX_BYTES": 100 * KB}})
    later.set("big", b"y" * (5 * KB))
    assert later.get("big") is None and later.bytes_held == 0
    later.set("small", b"y" * 100)
    assert first.get("small") == b"y" * 100
    first.clear()
