"""Slow clients against the Procfile's gunicorn (2 workers × 4 threads = 8 threads):
``slowhttptest`` holds 64 connections open, sending headers (slowloris) or a body a few
bytes at a time, or reading answers a byte at a time, while a probe client measures how long
the site takes to answer it.

Plain gthread gave every trickling connection a thread: /healthz did not answer for 15 s.
composite.worker reads requests in the event loop first (config/gunicorn.conf.py). Slow
readers held a thread each until WEB_TIMEOUT: 64 of them reading a 2 MB page kept /healthz
waiting 14 s. The worker now keeps what the client does not take at once (in memory, then in
temporary files) and sends it from the event loop (composite/answer.py).
"""

import shutil
import subprocess
import threading
import time

import httpx
import pytest

from tests.hostile.probe import HealthProbe

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(shutil.which("slowhttptest") is None, reason="slowhttptest is not installed (Debian package)"),
]

CONNECTIONS = 64  # 8× the threads of the two workers
ATTACK_SECONDS = 10
WORST_ALLOWED = 5.0


def probe(url, seconds):
    """Worst and median latency of GET ``url``, one request at a time, for ``seconds``."""
    latencies, failures = [], []
    deadline = time.monotonic() + seconds
    with httpx.Client(timeout=WORST_ALLOWED * 3) as http:
        while time.monotonic() < deadline:
            start = time.monotonic()
            try:
                status = http.get(url, headers={"Connection": "close"}).status_code
                if status != 200:
                    failures.append(status)
            except httpx.HTTPError as error:
                failures.append(type(error).__name__)
            latencies.append(time.monotonic() - start)
            time.sleep(0.1)
    latencies.sort()
    return {"requests": len(latencies), "worst": latencies[-1], "median": latencies[len(latencies) // 2],
            "failures": failures}


@pytest.mark.parametrize(
    ("mode", "target"),
    [("-H", "/"), ("-B", "/highlight/api/highlight")],
    ids=["slowloris-headers", "slow-body"],
)
def test_slow_clients_do_not_stop_the_site_answering_others(web, mode, target, record_property):
    attack = subprocess.Popen(
        ["slowhttptest", mode, "-c", str(CONNECTIONS), "-r", str(CONNECTIONS), "-i", "1", "-s", "65536",
         "-l", str(ATTACK_SECONDS), "-u", web.url + target, "-p", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(2)  # let every connection open and start trickling
        results = {}
        pages = threading.Thread(target=lambda: results.update(page=probe(web.url + "/", ATTACK_SECONDS - 5)))
        pages.start()
        results["health"] = probe(web.url + "/healthz", ATTACK_SECONDS - 5)
        pages.join()
    finally:
        output = attack.communicate(timeout=ATTACK_SECONDS + 30)[0].decode("utf-8", "replace")
    held = open_connections(output)
    record_property("probe", results)
    print(f"\n{mode} {target}: {held} slow connections held; probes {results}")
    assert held >= 32, f"the attack did not hold its connections open:\n{output[-2000:]}"
    for name, result in results.items():
        assert result["failures"] == [], (name, result)
        assert result["worst"] < WORST_ALLOWED, (name, result)
    with httpx.Client(timeout=5) as http:
        assert http.get(web.url + "/healthz").status_code == 200


def open_connections(output):
    """The most connections slowhttptest reported open (``connected``) at any moment."""
    import re

    counts = [int(n) for n in re.findall(r"connected:\s*(?:\x1b\[[0-9;]*m)*\s*(\d+)", output)]
    return max(counts, default=0)


SLOW_READ_SECONDS = 12


@pytest.fixture(scope="module")
def pages(web):
    """A snippet page of about 6 MB for the slow readers (64 of them keep more than the worker's
    BUFFER_RESPONSE_BYTES: the rest goes to temporary files), and an ordinary one for the probe."""
    with httpx.Client(base_url=web.url, timeout=30) as http:
        paths = []
        for content in (("a+" * 40 + "\n") * 3000, "print('hello')\n" * 20):
            created = http.post("/api/snippets", data={"content": content, "lexer": "python"})
            assert created.status_code == 201, created.text
            paths.append(httpx.URL(created.json()["url"]).path)
        for _ in range(6):  # rendered, cached and highlighted in both workers before the attack
            for path in paths:
                assert http.get(path, headers={"Connection": "close"}).status_code == 200
        assert len(http.get(paths[0]).content) > 5_000_000
    return paths


def test_slow_readers_hold_no_thread_while_they_read(web, pages, record_property):
    """``slowhttptest -X``: 64 clients ask for the big page through a 1-byte window and read a
    byte every 5 s. Each one's thread finishes (its access-log line is written) while the
    client still holds its connection, and a probe gets /healthz and a snippet page within
    0.5 s all along."""
    big, small = pages
    before = served_lines(web, big)
    attack = subprocess.Popen(
        ["slowhttptest", "-X", "-c", str(CONNECTIONS), "-r", str(CONNECTIONS), "-w", "1", "-y", "1", "-n", "5",
         "-z", "1", "-l", str(SLOW_READ_SECONDS), "-u", web.url + big, "-p", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        served = wait_for_access_lines(web, big, before + CONNECTIONS, within=SLOW_READ_SECONDS - 6) - before
        with HealthProbe(web.url) as health, HealthProbe(web.url, path=small) as page:
            time.sleep(4)
    finally:
        output = attack.communicate(timeout=SLOW_READ_SECONDS + 30)[0].decode("utf-8", "replace")
    record_property("probe", {"health": health.summary(), "page": page.summary()})
    print(f"\n-X {big}: {served} threads done; health {health.summary()}; page {page.summary()}")
    assert served >= CONNECTIONS, f"only {served} of {CONNECTIONS} slow readers' threads finished"
    assert still_connected(output) >= CONNECTIONS / 2, f"the readers did not hold on:\n{output[-2000:]}"
    health.assert_answered_within(0.5)
    page.assert_answered_within(0.5)


def wait_for_access_lines(web, path, count, within):
    """How many access-log lines for GET ``path`` there are once ``count`` appear (or ``within``
    seconds pass): a line is written when the thread is done with the request."""
    deadline = time.monotonic() + within
    while True:
        served = served_lines(web, path)
        if served >= count or time.monotonic() > deadline:
            return served
        time.sleep(0.1)


def served_lines(web, path):
    return web.log_text().count(f'"GET {path} HTTP/1.1" 200')


def still_connected(output):
    """The connections slowhttptest last reported open (``connected``)."""
    import re

    counts = [int(n) for n in re.findall(r"connected:\s*(?:\x1b\[[0-9;]*m)*\s*(\d+)", output)]
    return counts[-1] if counts else 0
