"""Every cache bounded in bytes (issue 9 item 4): Django's cache counts bytes, not entries;
renderings are kept compressed and only under a per-item cap; pages too big to keep are
sent a piece at a time from the compressed rendering, never made whole."""

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache

from apps.snippets import codeblock
from apps.snippets.memorycache import BoundedMemoryCache
from apps.snippets.pagecache import PageCache

KB = 1024


@pytest.fixture
def bounded():
    store = BoundedMemoryCache("tests-bounded", {"OPTIONS": {"MAX_BYTES": 10 * KB, "MAX_ITEM_BYTES": 4 * KB}})
    store.clear()
    yield store
    store.clear()


def test_the_memory_cache_keeps_no_more_bytes_than_its_budget_least_recent_out(bounded):
    for n in range(8):
        bounded.set(f"k{n}", b"x" * 3000)
        assert bounded.bytes_held <= 10 * KB
    assert bounded.get("k7") is not None and bounded.get("k0") is None


def test_the_memory_cache_refuses_an_item_over_its_cap(bounded):
    bounded.set("small", b"x" * 100)
    bounded.set("huge", b"x" * 5 * KB)
    assert bounded.get("huge") is None and bounded.get("small") is not None


def test_the_memory_cache_counts_replacements_deletions_and_increments(bounded):
    bounded.set("k", b"x" * 3000)
    bounded.set("k", b"x" * 1000)
    assert 1000 < bounded.bytes_held < 1200
    bounded.delete("k")
    assert bounded.bytes_held == 0
    bounded.set("n", 1, 60)
    assert bounded.incr("n", 2) == 3 and bounded.get("n") == 3
    bounded.clear()
    assert bounded.bytes_held == 0


def test_the_sites_cache_without_redis_is_bounded_in_bytes():
    assert settings.CACHES["default"]["BACKEND"] == "apps.snippets.memorycache.BoundedMemoryCache"
    assert cache.max_bytes == settings.SNIPPETS_CACHE_BYTES
    assert cache.max_item_bytes == settings.SNIPPETS_CACHE_ITEM_BYTES


def test_the_page_cache_keeps_no_page_over_its_per_page_cap():
    pages = PageCache(max_bytes=10 * KB, max_item_bytes=2 * KB)
    pages.put("big", b"x" * 3 * KB)
    pages.put("small", b"x" * KB)
    assert pages.get("big") is None and pages.get("small") is not None


def test_a_code_block_is_given_back_exactly_in_bounded_pieces():
    content = "é = 1\r\nx\n\n" * 60_000
    packed, size = codeblock.plain(content)
    pieces = list(codeblock.pieces(packed))
    html = "".join(pieces)
    assert len(html.encode()) == size and len(packed) < size // 5
    assert max(len(piece) for piece in pieces) <= codeblock.SLICE
    assert html.count('<span id="L-') == codeblock.line_count(content) == 180_000
    assert '<a id="L180000" href="#L180000">180000</a>' in html and "&lt;" not in html


@pytest.mark.django_db
def test_a_rendering_over_the_per_item_cap_is_not_cached(client, paste, fake_highlighter, settings):
    settings.SNIPPETS_CACHE_ITEM_BYTES = 10
    snippet = paste("x = 1\n")
    calls = fake_highlighter.highlights
    client.get(f"/s/{snippet['id']}")
    assert fake_highlighter.highlights == calls + 1  # asked again: nothing was kept
    assert cache.bytes_held == 0


@pytest.mark.django_db
def test_a_page_too_big_to_keep_is_streamed_whole_and_not_kept(client, paste, fake_highlighter, monkeypatch):
    pages = apps.get_app_config("snippets").pages
    monkeypatch.setattr(pages, "max_item_bytes", 2 * KB)
    snippet = paste("print(1)\n" * 500)
    response = client.get(f"/s/{snippet['id']}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Content-Length" not in response.headers
    assert '<span id="L-500">print(1)' in page and '<a id="L500" href="#L500">500</a>' in page
    assert page.rstrip().endswith("</html>") and "code-block-" not in page
    assert "Content-Security-Policy" in response.headers
    assert pages.size == 0
