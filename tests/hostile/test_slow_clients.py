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

import httpx
import pytest

from tests.hostile.probe import HealthProbe
from tests.payloads import operator_lines
from tests.waiting import established_connections, wait_until

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(shutil.which("slowhttptest") is None, reason="slowhttptest is not installed (Debian package)"),
]

CONNECTIONS = 64  # 8× the threads of the two workers
ATTACK_SECONDS = 10
WORST_ALLOWED = 5.0  # on an idle machine; more on a loaded one (tests/hostile/probe.py)


def holding(port, attack):
    """Wait until the attack holds half its connections open (or has ended)."""
    wait_until(lambda: established_connections(port) >= CONNECTIONS // 2 or attack.poll() is not None,
               "the slow clients' connections opened")


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
        holding(web.port, attack)
        with HealthProbe(web.url, timeout=15) as health, HealthProbe(web.url, path="/", timeout=15) as page:
            output = attack.communicate(timeout=ATTACK_SECONDS + 30)[0]  # probing while the attack lasts
    finally:
        if attack.poll() is None:
            attack.kill()
            attack.communicate()
    output = output.decode("utf-8", "replace")
    held = open_connections(output)
    record_property("probe", {"health": health.summary(), "page": page.summary()})
    print(f"\n{mode} {target}: {held} slow connections held; health {health.summary()}; page {page.summary()}")
    assert held >= 32, f"the attack did not hold its connections open:\n{output[-2000:]}"
    health.assert_answered_within(WORST_ALLOWED)
    page.assert_answered_within(WORST_ALLOWED)
    with httpx.Client(timeout=5) as http:
        assert http.get(web.url + "/healthz").status_code == 200


def open_connections(output):
    """The most connections slowhttptest reported open (``connected``) at any moment."""
    import re

    counts = [int(n) for n in re.findall(r"connected:\s*(?:\x1b\[[0-9;]*m)*\s*(\d+)", output)]
    return max(counts, default=0)


SLOW_READ_SECONDS = 20  # the attack's length; it is ended once the probes are done
# The big page's highlighting (a few seconds on a loaded machine) is waited for, not given up on.
SERVER_SETTINGS = {"HIGHLIGHT_TIMEOUT": "60"}


@pytest.fixture(scope="module")
def pages(web):
    """A snippet page of about 6 MB for the slow readers (64 of them keep more than the worker's
    BUFFER_RESPONSE_BYTES: the rest goes to temporary files), and an ordinary one for the probe."""
    with httpx.Client(base_url=web.url, timeout=60) as http:
        paths = []
        for content in (operator_lines(3000), "print('hello')\n" * 20):
            created = http.post("/api/snippets", data={"content": content, "lexer": "python"})
            assert created.status_code == 201, created.text
            paths.append(httpx.URL(created.json()["url"]).path)
        wait_until(lambda: len(http.get(paths[0]).content) > 5_000_000, "the big page highlighted")
        for _ in range(6):  # rendered, cached and highlighted in both workers before the attack
            for path in paths:
                assert http.get(path, headers={"Connection": "close"}).status_code == 200
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
        # Every thread is done (its access-log line written) while the readers still read.
        wait_until(lambda: served_lines(web, big) >= before + CONNECTIONS or attack.poll() is not None,
                   f"{CONNECTIONS} slow readers' threads finished")
        served, reading = served_lines(web, big) - before, attack.poll() is None
        with HealthProbe(web.url) as health, HealthProbe(web.url, path=small) as page:
            health.wait_for(40)
            page.wait_for(40)
        held_on = established_connections(web.port)  # the readers held on all through the probes
    finally:
        attack.terminate()
        output = attack.communicate(timeout=30)[0].decode("utf-8", "replace")
    record_property("probe", {"health": health.summary(), "page": page.summary()})
    print(f"\n-X {big}: {served} threads done; health {health.summary()}; page {page.summary()}")
    assert served >= CONNECTIONS and reading, f"only {served} of {CONNECTIONS} slow readers' threads finished " \
                                              "while they read"
    assert held_on >= CONNECTIONS / 2, f"only {held_on} readers held on:\n{output[-2000:]}"
    health.assert_answered_within(0.5)
    page.assert_answered_within(0.5)


def served_lines(web, path):
    """Access-log lines for GET ``path``: one is written when a thread is done with the request."""
    return web.log_text().count(f'"GET {path} HTTP/1.1" 200')
