"""Slow clients against the Procfile's gunicorn (2 workers × 4 threads = 8 threads):
``slowhttptest`` holds 64 connections open, sending headers (slowloris) or a body a few
bytes at a time, while a probe client measures how long the site takes to answer it.

Plain gthread gave every trickling connection a thread: /healthz did not answer for 15 s.
composite.worker reads requests in the event loop first (config/gunicorn.conf.py).
"""

import shutil
import subprocess
import threading
import time

import httpx
import pytest

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
