"""Issue 9 item 4 through the Procfile's gunicorn: big renderings do not fill a worker's memory.

Thirty creates of a maximal snippet (``"x\\n"`` × 262,144: every line a span and a gutter
link, an ~18 MB rendering) once grew a worker by 755 MB, and twelve views of one such
snippet with twelve ``?style=`` values by 336 MB: each rendering sat in the per-process cache,
per style, for 7 days. Now renderings are the same for every style, every cache is bounded
in bytes and a rendering over the per-item cap is kept in no process's memory: the workers
stay under a ceiling measured against their own size before the attack, and ``/healthz``
keeps answering within 0.5 s.
"""

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.hostile.probe import HealthProbe

pytestmark = pytest.mark.server

MAXIMAL = "x\n" * (256 * 1024 - 1)  # just under SNIPPET_MAX_BYTES (512 KiB)
CREATES = 30
CLIENTS = 3  # at once, so that a thread is left for the probe (2 workers × 4 threads)
STYLES = ["default", "monokai", "emacs", "friendly", "colorful", "autumn", "murphy", "manni", "perldoc",
          "pastie", "borland", "trac"]
MiB = 1024 * 1024
# The documented ceiling (docs/snippets.md): a worker's caches are bounded in bytes (rendered
# pages 32 MiB, renderings 32 MiB), so once its threads have each built a maximal page the
# worker stops growing. Before, every create added its ~18 MB rendering: +374 MiB for these
# thirty creates, and twelve styles of one snippet +411 MiB, without end.
PLATEAU_GROWTH = 96 * MiB  # growth over the attack, once warm (caches filling, allocator noise)
WORKER_CEILING = 512 * MiB  # a worker's whole RSS, at any point of these attacks
def worker_pids(log_text):
    """The gunicorn workers alive now (children of the master), from its log."""
    pids = {int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", log_text)}
    return sorted(pid for pid in pids if Path(f"/proc/{pid}/status").exists())


def rss(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) * 1024


def worker_rss(web):
    return {pid: rss(pid) for pid in worker_pids(web.log_text())}


def growth(before, after):
    return max(after.get(pid, 0) - size for pid, size in before.items())


def create(http):
    response = http.post("/api/snippets", files={"content": ("x.txt", MAXIMAL)}, data={"lexer": "text"})
    assert response.status_code == 201, response.text[:300]
    return response.json()["id"]


@pytest.fixture
def warmed(web):
    """Maximal snippets created and viewed by every thread, so the workers are at their
    plateau: what the attacks add beyond it is what the caches keep."""
    with httpx.Client(base_url=web.url, timeout=60) as http, ThreadPoolExecutor(CLIENTS) as pool:
        ids = list(pool.map(lambda _: create(http), range(4 * CLIENTS)))
        list(pool.map(lambda snippet_id: http.get(f"/s/{snippet_id}").raise_for_status(), ids))
    return ids[0]


def creates(web, count):
    with httpx.Client(base_url=web.url, timeout=60) as http, ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(lambda _: create(http), range(count)))


def test_thirty_creates_of_a_maximal_snippet_keep_every_worker_under_the_ceiling(web, warmed):
    before = worker_rss(web)
    with HealthProbe(web.url) as probe:
        ids = creates(web, CREATES)
    after = worker_rss(web)
    print(f"\n{CREATES} maximal creates: worker RSS {mib(before)} -> {mib(after)} MiB; {probe.summary()}")
    assert len(set(ids)) == CREATES
    assert growth(before, after) < PLATEAU_GROWTH
    assert max(after.values()) < WORKER_CEILING
    probe.assert_answered_within(0.5)


def test_twelve_styles_of_one_maximal_snippet_keep_every_worker_under_the_ceiling(web, warmed):
    """One rendering serves every style: a style is only the stylesheet the page links."""
    before = worker_rss(web)
    with HealthProbe(web.url) as probe, httpx.Client(base_url=web.url, timeout=60) as http:
        for style in STYLES:
            page = http.get(f"/s/{warmed}", params={"style": style})
            assert page.status_code == 200
            assert f"/highlight/styles/{style}.css" in page.text
    after = worker_rss(web)
    print(f"\n{len(STYLES)} styles: worker RSS {mib(before)} -> {mib(after)} MiB; {probe.summary()}")
    assert growth(before, after) < PLATEAU_GROWTH
    assert max(after.values()) < WORKER_CEILING
    probe.assert_answered_within(0.5)


def mib(sizes):
    return {pid: size // MiB for pid, size in sizes.items()}
