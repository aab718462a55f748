"""A probe client that keeps asking ``/healthz`` while an attack runs, for the attack tests.

Every attack test in this folder proves two things: the attacker gets a clear answer, and
everyone else keeps being served. The second is this probe: one request at a time on a
fresh connection, each timed, from the moment the attack is under way until it is over.

    with HealthProbe(web.url) as probe:
        ... run the attack ...
    probe.assert_answered_within(0.5)

Issue 9 asks for 0.5 s on an idle machine. On a loaded one (CI, other tests, ``stress-ng``)
every request is slower, attack or not, so the probe first measures its own latencies before
the attack (the baseline, under the same load), and the allowance grows with them: 20 times
their median or 4 times their worst, if more than 0.5 s. The probes' median must be within
the allowance, and every probe within four times it: a scheduler's hiccup on a loaded
machine passes, while a probe queued behind the attack still waits for the attack's seconds
(issue 9 measured 12 to 48 s), and fails.
"""

import statistics
import threading
import time

import httpx

from tests.waiting import allowance, wait_until

PROBE_BUDGET = 0.5  # seconds: what issue 9 asks of /healthz during every attack, on an idle machine
PAUSE = 0.05  # between probes, so the probe itself is no load
BASELINE_PROBES = 10
OUTLIER_FACTOR = 4  # the slowest probe may take this many allowances


class HealthProbe:
    def __init__(self, base_url, path="/healthz", timeout=10.0):
        self.url = base_url.rstrip("/") + path
        self.timeout = timeout
        self.latencies = []
        self.failures = []
        self.baseline = None  # latencies before the attack, in seconds: (median, worst)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        with httpx.Client(timeout=self.timeout) as http:
            before = [self._probe(http)[1] for _ in range(BASELINE_PROBES)]
        self.baseline = (statistics.median(before), max(before))
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(self.timeout + 5)

    def _probe(self, http):
        start = time.monotonic()
        try:
            status = http.get(self.url, headers={"Connection": "close"}).status_code
            failure = None if status == 200 else status
        except httpx.HTTPError as error:
            failure = type(error).__name__
        return failure, time.monotonic() - start

    def _run(self):
        with httpx.Client(timeout=self.timeout) as http:
            while not self._stop.is_set():
                failure, seconds = self._probe(http)
                if failure is not None:
                    self.failures.append(failure)
                self.latencies.append(seconds)
                self._stop.wait(PAUSE)

    def wait_for(self, count):
        """Return once ``count`` more probes have been answered (the attack held that long)."""
        target = len(self.latencies) + count
        wait_until(lambda: len(self.latencies) >= target, f"{count} more probes of {self.url}")

    @property
    def worst(self):
        return max(self.latencies, default=float("inf"))

    def summary(self):
        ordered = sorted(self.latencies)
        median = ordered[len(ordered) // 2] if ordered else None
        return {"probes": len(ordered), "worst": self.worst, "median": median, "baseline": self.baseline,
                "failures": self.failures}

    def assert_answered_within(self, seconds=PROBE_BUDGET, at_least=3):
        """Every probe answered 200, typically within ``seconds`` (or, on a loaded machine,
        the allowance its baseline gives) and never past ``OUTLIER_FACTOR`` times that, and
        enough of them ran to mean it."""
        summary = self.summary()
        baseline_median, baseline_worst = self.baseline
        allowed = max(allowance(baseline_median, seconds, factor=20), allowance(baseline_worst, seconds, factor=4))
        assert len(self.latencies) >= at_least, f"too few probes ran during the attack: {summary}"
        assert not self.failures, f"/healthz failed during the attack: {summary}"
        assert summary["median"] < allowed, f"/healthz typically took more than {allowed:.2f} s: {summary}"
        assert self.worst < OUTLIER_FACTOR * allowed, \
            f"/healthz once took more than {OUTLIER_FACTOR * allowed:.2f} s during the attack: {summary}"
