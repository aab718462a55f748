"""Waiting for what a test can observe, and timing against a reference taken in the same test.

On a loaded 2-core CI machine any absolute figure ("answered within 1 s") is a coin toss, and
a ``sleep`` either wastes time or is too short. So the suite:

- waits for the event itself: ``wait_until(condition, what)`` polls until it holds and fails
  loudly, naming what did not happen, after ``PATIENCE`` (only a broken run waits that long;
  the deadline is never what a test asserts);
- proves a time budget from both sides without a figure: the process killed at the budget
  has used at most the budget (and a little slack) of CPU time (``cpu_until_gone``: CPU time
  never exceeds wall time, so load cannot break this upper bound, and a lost budget fails as
  soon as the process has used more), and the call never ends before the budget itself (a
  lower bound, which load cannot break either); every wait for it has a deadline;
- compares a latency with one measured just before, under the same load (``allowance``).

It also reads what the kernel knows about processes and sockets (``/proc``, Linux), so that
tests can see a child at work, a process gone or connections held open.
"""

import os
import threading
import time
from pathlib import Path

PATIENCE = 30.0  # seconds: how long to wait for something that should happen


def wait_until(condition, what, timeout=PATIENCE, interval=0.02):
    """Call ``condition()`` until it returns something true, and return that; fail naming
    ``what`` if ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: did not happen within {timeout:g} s (last seen: {value!r})")
        time.sleep(interval)


def timed(call):
    """``call()``'s result and how many seconds it took."""
    start = time.monotonic()
    result = call()
    return result, time.monotonic() - start


class Running:
    """``call()`` running in a thread from now on: ``result`` or ``error`` once it is done,
    ``seconds`` it took, ``started`` and ``ended`` (``time.monotonic()``), ``done`` an Event.

    ``expected`` lists the exception types kept as ``error`` (the rest fail ``join``).
    """

    def __init__(self, call, expected=()):
        self.result = self.error = self.unexpected = self.ended = None
        self.done = threading.Event()
        self._call, self._expected = call, tuple(expected)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.started = time.monotonic()
        self._thread.start()

    def _run(self):
        try:
            self.result = self._call()
        except self._expected as error:
            self.error = error
        except BaseException as error:  # noqa: BLE001 - reported by join()
            self.unexpected = error
        finally:
            self.ended = time.monotonic()
            self.done.set()

    @property
    def running(self):
        return not self.done.is_set()

    @property
    def seconds(self):
        return None if self.ended is None else self.ended - self.started

    def join(self, timeout=PATIENCE):
        """Wait until it is done (failing if it is not within ``timeout``); its result."""
        assert self.done.wait(timeout), f"{self._call!r} did not end within {timeout:g} s"
        if self.unexpected is not None:
            raise self.unexpected
        return self.result


def allowance(baseline, floor, factor=20):
    """How long a latency may be under attack: ``floor`` (the figure on an idle machine), or
    ``factor`` times the ``baseline`` measured just before under the same load, if more."""
    return max(floor, factor * baseline)


# -- what the kernel knows ---------------------------------------------------------------------


def process_gone(pid):
    """True once ``pid`` no longer exists (or is a zombie nobody has reaped yet)."""
    try:
        return _stat(pid)[0] in "ZX"
    except (FileNotFoundError, ProcessLookupError):
        return True


def child_exited(pid):
    """True once our child ``pid`` has exited, every thread of it, and could be reaped (it is
    not reaped here: ``waitid`` with ``WNOWAIT``). A multithreaded process shows as a zombie in
    /proc (``process_gone``) while its other threads still hold its pipes open."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True  # already reaped


def on_cpu(pid):
    """True while ``pid`` is running or runnable (state R), i.e. working, not waiting."""
    try:
        return _stat(pid)[0] == "R"
    except FileNotFoundError:
        return False


def cpu_seconds(pid):
    """User and system CPU time ``pid`` has used so far."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_until_gone(pid, limit, what, timeout=PATIENCE, interval=0.01):
    """Watch ``pid`` until it is gone; the CPU seconds it had used when last seen. Fails as soon
    as that passes ``limit`` (a process killed at a time budget cannot have used more CPU
    time than the budget's wall time, whatever the load), or if it is still there after
    ``timeout`` seconds."""
    deadline, used = time.monotonic() + timeout, 0.0
    while True:
        try:
            fields = _stat(pid)
        except (FileNotFoundError, ProcessLookupError):
            return used
        if fields[0] in "ZX":
            return used
        used = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        assert used <= limit, f"{what}: used {used:.2f} CPU seconds, more than the {limit:.2f} it may"
        assert time.monotonic() < deadline, f"{what}: still running after {timeout:g} s"
        time.sleep(interval)


def first_gone(idle_cpu, limit, what, timeout=PATIENCE, interval=0.01):
    """Watch every process of ``idle_cpu`` ({pid: CPU seconds used while idle}) until one is gone:
    that pid and the CPU seconds it used past its idle ones when last seen. Fails if those pass
    ``limit``, or if none is gone after ``timeout`` seconds. For a pool whose processes live on
    unless killed: the one killed at a budget is the one that goes, whichever of them was
    also on CPU meanwhile (a sibling still loading its model, one serving a quick request)."""
    deadline, used = time.monotonic() + timeout, dict.fromkeys(idle_cpu, 0.0)
    while True:
        for pid, idle in idle_cpu.items():
            try:
                fields = _stat(pid)
            except (FileNotFoundError, ProcessLookupError):
                fields = "X"
            if fields[0] in "ZX":
                assert used[pid] <= limit, f"{what}: used {used[pid]:.2f} CPU seconds, more than the {limit:.2f} it may"
                return pid, used[pid]
            used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") - idle
        assert time.monotonic() < deadline, f"{what}: none gone after {timeout:g} s"
        time.sleep(interval)


def set_to_work(idle_cpu, what="a process at work"):
    """The first of the processes ``idle_cpu`` ({pid: CPU seconds used while idle}) seen on CPU
    and past what it had used: at work, not a child just done saying it is ready."""
    return wait_until(lambda: next((pid for pid, idle in idle_cpu.items() if on_cpu(pid) and cpu_seconds(pid) > idle), None),
                      what, interval=0.005)


def children(pid):
    """Process ids of ``pid``'s children (every thread's)."""
    pids = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            pids += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:
            pass
    return pids


def descendants(pid):
    """Process ids of ``pid``'s children, their children, and so on."""
    found, todo = [], [pid]
    while todo:
        try:
            below = children(todo.pop())
        except FileNotFoundError:
            continue
        found += below
        todo += below
    return found


def descendants_running(pid, marker):
    """Process ids of ``pid``'s descendants whose command line holds ``marker`` (e.g. the
    job module of a pool's children: ``"apps.highlighter.core.worker"``)."""
    found = []
    for child in descendants(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except FileNotFoundError:
            continue
        if marker in command:
            found.append(child)
    return found


def established_connections(port):
    """How many TCP connections to 127.0.0.1:``port`` are established, as the server sees them."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            local, state = fields[1], fields[3]
            if state == "01" and int(local.rsplit(":", 1)[1], 16) == port:
                count += 1
    return count


def _stat(pid):
    """The fields of ``/proc/<pid>/stat`` after the command name: state first."""
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
