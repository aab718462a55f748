"""Memory of a running gunicorn, read from /proc, for the attack tests' ceilings.

    with WorkerMemory(web) as memory:
        ... run the attack ...
    assert memory.worker_growth < 200        # MB, the most any worker grew
    assert memory.growth < 200               # MB, the most a worker and its children together grew
    assert memory.peak < 500                 # MB, a worker and its child processes together
    assert memory.child_peak < 600           # MB, the largest child (highlighter, diff) process

Sampled every 20 ms while the attack runs, so a peak that comes and goes is still seen.
"""

import re
import threading
from pathlib import Path

LISTENING = re.compile(r"Listening at: \S+ \((\d+)\)")
VMRSS = re.compile(r"VmRSS:\s+(\d+) kB")


def gunicorn_master(site):
    """The master's pid, from gunicorn's "Listening at: … (pid)" log line."""
    match = LISTENING.search(site.log_text())
    assert match, site.log_text()[-2000:]
    return int(match.group(1))


def children(pid):
    """The pids of a process's children (gunicorn's workers; a worker's pool processes)."""
    found = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def rss_mb(pid):
    """Resident memory of a process in MB (0 once it has gone)."""
    try:
        match = VMRSS.search(Path(f"/proc/{pid}/status").read_text())
    except OSError:
        return 0.0
    return int(match.group(1)) / 1024 if match else 0.0


def worker_rss_mb(site):
    """{worker pid: RSS in MB} for the site's gunicorn workers now."""
    return {pid: rss_mb(pid) for pid in children(gunicorn_master(site))}


class WorkerMemory:
    """The peaks, while it runs, of each worker's growth, of a worker with its children, and
    of any one child process."""

    def __init__(self, site):
        self.workers = children(gunicorn_master(site))
        self.before = {pid: rss_mb(pid) for pid in self.workers}
        self.before_total = {pid: self.total(pid) for pid in self.workers}
        self.worker_growth = self.growth = self.peak = self.child_peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def total(pid):
        return rss_mb(pid) + sum(rss_mb(child) for child in children(pid))

    def sample(self):
        for pid in self.workers:
            own = rss_mb(pid)
            kids = [rss_mb(child) for child in children(pid)]
            self.worker_growth = max(self.worker_growth, own - self.before[pid])
            self.growth = max(self.growth, own + sum(kids) - self.before_total[pid])
            self.peak = max(self.peak, own + sum(kids))
            self.child_peak = max([self.child_peak, *kids])

    def _run(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(0.02)

    def __enter__(self):
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)
        self.sample()
