"""A probe client that keeps asking ``/healthz`` while an attack runs, for the attack tests.

Every attack test in this folder proves two things: the attacker gets a clear answer, and
everyone else keeps being served. The second is this probe: one request at a time on a
fresh connection, each timed, from the moment the attack is under way until it is over.

    with HealthProbe(web.url) as probe:
        ... run the attack ...
    probe.assert_answered_within(0.5)
"""

import threading
import time

import httpx

PROBE_BUDGET = 0.5  # seconds: what issue 9 asks of /healthz during every attack
PAUSE = 0.05  # between probes, so the probe itself is no load


class HealthProbe:
    def __init__(self, base_url, path="/healthz", timeout=10.0):
        self.url = base_url.rstrip("/") + path
        self.timeout = timeout
        self.latencies = []
        self.failures = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(self.timeout + 5)

    def _run(self):
        with httpx.Client(timeout=self.timeout) as http:
            while not self._stop.is_set():
                start = time.monotonic()
                try:
                    status = http.get(self.url, headers={"Connection": "close"}).status_code
                    if status != 200:
                        self.failures.append(status)
                except httpx.HTTPError as error:
                    self.failures.append(type(error).__name__)
                self.latencies.append(time.monotonic() - start)
                self._stop.wait(PAUSE)

    @property
    def worst(self):
        return max(self.latencies, default=float("inf"))

    def summary(self):
        ordered = sorted(self.latencies)
        median = ordered[len(ordered) // 2] if ordered else None
        return {"probes": len(ordered), "worst": self.worst, "median": median, "failures": self.failures}

    def assert_answered_within(self, seconds=PROBE_BUDGET, at_least=3):
        """Every probe answered 200 within ``seconds``, and enough of them ran to mean it."""
        summary = self.summary()
        assert len(self.latencies) >= at_least, f"too few probes ran during the attack: {summary}"
        assert not self.failures, f"/healthz failed during the attack: {summary}"
        assert self.worst < seconds, f"/healthz was slower than {seconds} s during the attack: {summary}"
