"""apps.byteslru: the byte-bounded LRU behind the highlighter's result cache and the page cache."""

import sys
import threading

from apps.byteslru import BytesLRU


def test_it_keeps_no_more_bytes_than_its_budget_least_recently_used_out():
    store = BytesLRU(max_bytes=1000, max_item_bytes=300)
    for n in range(5):
        assert store.put(n, b"x" * 300)
        assert store.size <= 1000
    assert store.get(0) is None and store.get(1) is None and store.get(4) == b"x" * 300
    assert store.size == 900


def test_reading_an_entry_makes_it_the_most_recently_used():
    store = BytesLRU(max_bytes=600, max_item_bytes=300)
    store.put("old", b"a" * 300)
    store.put("new", b"b" * 300)
    store.get("old")
    store.put("third", b"c" * 300)
    assert store.get("old") is not None and store.get("new") is None


def test_an_item_over_the_per_item_cap_is_not_kept_and_pushes_nothing_out():
    store = BytesLRU(max_bytes=1000, max_item_bytes=100)
    store.put("small", b"x" * 100)
    assert store.put("big", b"x" * 101) is False
    assert store.get("big") is None and store.get("small") is not None and store.size == 100


def test_the_per_item_cap_never_exceeds_the_budget():
    assert BytesLRU(max_bytes=10, max_item_bytes=100).max_item_bytes == 10


def test_a_replacement_is_counted_once():
    store = BytesLRU(max_bytes=1000, max_item_bytes=500)
    store.put("k", b"x" * 500)
    store.put("k", b"x" * 20)
    assert store.size == 20 and store.get("k") == b"x" * 20


def test_keys_are_a_copy_that_later_changes_do_not_touch_and_reading_them_reorders_nothing():
    store = BytesLRU(max_bytes=2, max_item_bytes=1)
    store.put("a", b"x")
    store.put("b", b"y")
    keys = store.keys()
    store.put("c", b"z")  # "a", the least recently used, goes: reading the keys did not use it
    assert sorted(keys) == ["a", "b"] and sorted(store.keys()) == ["b", "c"]


def test_forget_where_and_clear_give_the_bytes_back():
    store = BytesLRU(max_bytes=1000, max_item_bytes=100)
    for key in [("a", 1), ("a", 2), ("b", 1)]:
        store.put(key, b"x" * 10)
    store.forget_where(lambda key: key[0] == "a")
    assert list(store.entries) == [("b", 1)] and store.size == 10
    store.clear()
    assert store.size == 0 and store.get(("b", 1)) is None


def test_threads_sharing_it_keep_it_within_budget_and_never_fail():
    """gthread workers share one per process: concurrent puts, gets and evictions stay consistent."""
    store = BytesLRU(max_bytes=5000, max_item_bytes=500)
    errors = []
    start = threading.Barrier(8)

    def hammer(worker):
        start.wait()
        try:
            for n in range(2000):
                store.put((worker, n % 50), bytes(100 + n % 300))
                store.get((worker ^ 1, n % 50))
        except Exception as error:  # any error here is the failure this test looks for
            errors.append(error)

    threads = [threading.Thread(target=hammer, args=(worker,)) for worker in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so that an unlocked access would collide
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert store.size == sum(len(value) for value in store.entries.values()) <= 5000
