"""Reveals of one burn-after-reading snippet sent at once to the Procfile's gunicorn (two
workers, four threads each, on one SQLite file or PostgreSQL): exactly one is shown the text.

Each request makes the page, then DELETEs the row; the database locks the row, and only the
DELETE that removed it answers with the page (apps/snippets/burning.py)."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests import servers

pytestmark = pytest.mark.server

SECRET = "only one of you reads this\n"
READERS = 8


def test_concurrent_reveals_show_a_burn_snippet_once(tmp_path):
    with servers.running_site(tmp_path, WEB_CONCURRENCY="2", WEB_THREADS="4") as base:
        made = httpx.post(f"{base}/api/snippets", data={"content": SECRET, "burn": "true"}, timeout=30).json()
        page = f"{base}/s/{made['id']}"
        clients = [httpx.Client(timeout=30) for _ in range(READERS)]
        tokens = []
        for http in clients:  # each a reader's browser at the reveal step: its CSRF cookie and token
            step = http.get(page, headers={"User-Agent": "Slackbot-LinkExpanding 1.0"})
            assert step.status_code == 200 and SECRET.strip() not in step.text
            tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', step.text).group(1))
        start = threading.Barrier(READERS)

        def reveal(n):
            start.wait()
            return clients[n].post(f"{page}/reveal", data={"csrfmiddlewaretoken": tokens[n]})

        try:
            with ThreadPoolExecutor(max_workers=READERS) as pool:
                answers = list(pool.map(reveal, range(READERS)))
        finally:
            for http in clients:
                http.close()
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [200] + [404] * (READERS - 1), statuses
        assert sum(SECRET.strip() in answer.text for answer in answers) == 1
        assert httpx.get(page, timeout=30).status_code == 404
