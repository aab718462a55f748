"""The highlighter's amplification attacks, through the Procfile's gunicorn (issue 9, item 5).

A 1.5 MB highlight request whose per-line options (a nine-digit ``linenostart``,
``anchorlinenos``, 64-character ``lineanchors``/``linespans``/``cssclass``) once made a
202 MB answer and grew the worker and its highlighting processes by ~200 MB; an SVG of
1 MB of tabs made 45 MB. Now the first is refused before any highlighting and the second
is stopped in the highlighting process as it passes the limit, both with a clear 422, while
``/healthz`` keeps answering within 0.5 s and no worker (with its highlighting processes)
grows by more than ``RSS_GROWTH_CEILING_MB``.
"""

import json
import threading
import time

import httpx
import pytest

from tests.hostile.memory import WorkerMemory
from tests.hostile.probe import HealthProbe
from tests.waiting import allowance

pytestmark = pytest.mark.server

LONG = "a" * 64
AMPLIFYING = {"code": "a\n" * 500_000, "lexer": "text", "options": {
    "linenos": "table", "linenostart": 100_000_000, "anchorlinenos": True,
    "lineanchors": LONG, "linespans": "b" * 64, "cssclass": "c" * 64}}
SVG_OF_TABS = {"code": ("\t" * 16 + "x\n") * 55_000, "lexer": "text", "format": "svg"}
SVG_OF_LETTERS_AND_TABS = {"code": ("x\t" * 5000 + "\n") * 100, "lexer": "text", "format": "svg"}
# Measured: an idle worker with its two highlighting processes was ~95 MB before they held the
# language model (~70 MB each since, docs/capacity.md); under these attacks it grew by ~65 MB
# then, by up to ~130 MB now (a highlighting process killed at the limit is replaced, and the
# new one loads the model while the old one's memory is still counted).
RSS_GROWTH_CEILING_MB = 200
QUICKLY = 3.0  # seconds: reading 1.5 MB and refusing it, on an idle 2-core machine


def quickly(url, fields):
    """How long a refusal may take: ``QUICKLY``, or four times what one such request takes
    alone (measured now, under the machine's present load), if more."""
    (_, alone), = attack(url, fields, times=1)
    return allowance(alone, QUICKLY, factor=4)


def attack(url, fields, times):
    """Send the request ``times`` times from as many threads; each answer and its time."""
    body = json.dumps(fields).encode()
    answers = []

    def one():
        start = time.monotonic()
        with httpx.Client(timeout=60) as http:
            response = http.post(url + "/highlight/api/highlight", content=body,
                                 headers={"Content-Type": "application/json"})
        answers.append((response, time.monotonic() - start))

    threads = [threading.Thread(target=one) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return answers


@pytest.fixture(scope="module")
def warm(web):
    """Every worker's highlighting processes started, as after the first few requests."""
    with httpx.Client(base_url=web.url, timeout=30) as http:
        for n in range(8):
            assert http.post("/highlight/api/highlight", json={"code": f"x = {n}"}).status_code == 200
    return web


def assert_refused_clearly(answers, within):
    for response, seconds in answers:
        assert response.status_code == 422, response.text[:300]
        error = response.json()["error"]
        assert error["code"] == "output_too_large" and "at most 16,777,216 bytes" in error["message"]
        assert len(response.content) < 1000
        assert seconds < within, (seconds, within)


def test_per_line_options_cannot_make_a_huge_answer(warm):
    within = quickly(warm.url, AMPLIFYING)
    with WorkerMemory(warm) as memory, HealthProbe(warm.url) as probe:
        answers = attack(warm.url, AMPLIFYING, times=6)
    assert_refused_clearly(answers, within)
    assert "would be at least" in answers[0][0].json()["error"]["message"]  # refused up front
    probe.assert_answered_within(0.5, at_least=1)
    assert memory.growth < RSS_GROWTH_CEILING_MB, (memory.growth, memory.peak)


@pytest.mark.parametrize("fields, how", [(SVG_OF_TABS, "would be at least"), (SVG_OF_LETTERS_AND_TABS, "stopped")],
                         ids=["foreseen", "stopped-while-written"])
def test_an_svg_over_the_limit_is_refused(warm, fields, how):
    within = quickly(warm.url, fields)
    with WorkerMemory(warm) as memory, HealthProbe(warm.url) as probe:
        answers = attack(warm.url, fields, times=4)
    assert_refused_clearly(answers, within)
    assert how in answers[0][0].json()["error"]["message"]
    probe.assert_answered_within(0.5, at_least=1)
    assert memory.growth < RSS_GROWTH_CEILING_MB, (memory.growth, memory.peak)
