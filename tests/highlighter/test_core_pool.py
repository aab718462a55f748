"""Highlighter: every highlight runs in a killable worker process, bounded in time.

The slow input is real, not a mocked clock: ``tests.payloads.SLOW_SCALA`` keeps Pygments'
Scala lexer backtracking for minutes. Budgets are proven without a figure (``tests/waiting.py``):
the child killed at the budget has used at most the budget of CPU time (and SLACK), and the
call never ends before its budget.
"""

import gc
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from apps.highlighter.core import HighlightError, HighlightRequest, Highlighter, highlight
from tests.payloads import PLAIN_PYGMENTS_ON_SLOW_SCALA, SLOW_SCALA_FIELDS
from tests.waiting import PATIENCE, Running, child_exited, cpu_seconds, cpu_until_gone, on_cpu, process_gone, set_to_work, wait_until

ROOT = Path(__file__).resolve().parents[2]
SLOW = HighlightRequest.from_fields(SLOW_SCALA_FIELDS)
QUICK = HighlightRequest.from_fields({"code": "def f(x):\n    return x\n", "lexer": "python"})
SLACK = 0.5  # of a budget: CPU time a child may use past it while it is being killed


@pytest.fixture(scope="module")
def pool():
    with Highlighter(workers=2, timeout=1.0) as pool:
        pool.start()
        yield pool


def in_thread(call):
    """``call`` running in a thread (``tests.waiting.Running``), a HighlightError kept as ``error``."""
    return Running(call, expected=[HighlightError])


def at_work(pids):
    """Wait until one of the children ``pids`` is running a job (not waiting for one): its pid."""
    return wait_until(lambda: next((pid for pid in pids if on_cpu(pid)), None), "a child at work on the job")


def gone(pids):
    wait_until(lambda: all(process_gone(pid) for pid in pids), f"children {pids} ended")
    return True


def test_the_slow_input_is_genuinely_slow_in_plain_pygments():
    """Load only makes it slower: it does not end within 3 s on any machine this runs on."""
    with pytest.raises(subprocess.TimeoutExpired):
        subprocess.run([sys.executable, "-c", PLAIN_PYGMENTS_ON_SLOW_SCALA], cwd=ROOT, timeout=3, check=False)


def test_the_pool_gives_what_in_process_highlighting_gives(pool):
    assert pool.highlight(QUICK) == highlight(QUICK)
    tokens = HighlightRequest.from_fields({"code": "a\n\nb", "format": "tokens"})
    assert pool.highlight(tokens) == highlight(tokens)
    assert pool.guess(filename="a.py")["lexer"]["name"] == "Python"


def test_errors_raised_in_a_worker_reach_the_caller(pool):
    with pytest.raises(HighlightError) as info:
        pool.highlight(HighlightRequest(code="x", format="no-such-format"))
    assert info.value.code == "unknown_format"


def test_a_slow_input_times_out_at_the_budget_while_others_are_served(pool):
    before = pool.worker_pids()
    idle_cpu = {pid: cpu_seconds(pid) for pid in before}
    slow = in_thread(lambda: pool.highlight(SLOW))
    busy = set_to_work(idle_cpu, "a child at work on the slow highlight")
    assert pool.highlight(QUICK)["lexer"]["name"] == "Python"
    assert slow.running, "the quick request waited for the slow one"
    cpu_until_gone(busy, idle_cpu[busy] + (1 + SLACK) * pool.timeout, "the child on the slow highlight")
    slow.join(timeout=PATIENCE)
    error = slow.error
    assert (error.code, error.status) == ("timeout", 422)
    assert slow.seconds >= pool.timeout  # and not before its budget
    killed = set(before) - set(pool.worker_pids())
    assert killed == {busy} and gone(killed)
    for _ in range(3):  # the killed child was replaced
        assert pool.highlight(QUICK)["lexer"]["name"] == "Python"
    assert len(pool.worker_pids()) == 2


def test_at_most_pool_size_highlights_run_and_the_rest_wait_a_bounded_time():
    with Highlighter(workers=1, timeout=2.0, queue_timeout=0.3) as pool:
        pool.start()
        slow = in_thread(lambda: pool.highlight(SLOW))
        at_work(pool.worker_pids())
        waiting = in_thread(lambda: pool.highlight(QUICK))
        waiting.join(timeout=PATIENCE)
        assert (waiting.error.code, waiting.error.status) == ("busy", 503)
        assert waiting.seconds >= pool.queue_timeout  # it waited its turn that long,
        assert slow.running, "the waiting request was held until the slow one ended"  # and no longer
        slow.join(timeout=PATIENCE)
        assert pool.highlight(QUICK)["lexer"]["name"] == "Python"


def test_many_threads_share_one_pool():
    with Highlighter(workers=2, timeout=5.0) as pool:
        calls = [in_thread(lambda: pool.highlight(QUICK)) for _ in range(16)]
        for call in calls:
            assert call.join()["lexer"]["name"] == "Python"
        assert len(pool.worker_pids()) <= 2


def test_children_start_on_first_use():
    with Highlighter(workers=2) as pool:
        assert pool.worker_pids() == []
        pool.highlight(QUICK)
        assert len(pool.worker_pids()) == 1


def test_a_child_killed_mid_job_is_an_error_and_is_replaced():
    with Highlighter(workers=1, timeout=10.0) as pool:
        pool.start()
        (pid,) = pool.worker_pids()
        slow = in_thread(lambda: pool.highlight(SLOW))
        at_work([pid])
        os.kill(pid, signal.SIGKILL)
        slow.join()
        assert slow.error.code == "worker_crashed"  # told at the death, not at the 10 s budget ("timeout")
        assert pool.highlight(QUICK)["lexer"]["name"] == "Python"
        assert pool.worker_pids() != [pid]


def test_a_child_that_died_while_idle_is_replaced_without_an_error():
    with Highlighter(workers=1) as pool:
        pool.start()
        (pid,) = pool.worker_pids()
        os.kill(pid, signal.SIGKILL)
        # dead (every thread: the language model's runtime has several), not yet reaped: the pool has not noticed
        wait_until(lambda: child_exited(pid), "the child died")
        assert pool.highlight(QUICK)["lexer"]["name"] == "Python"
        assert pool.worker_pids() != [pid]


def test_running_out_of_memory_is_too_large_and_the_child_is_replaced():
    """Each child's address space is capped; a token list of 100,000 lines exceeds 48 MB."""
    with Highlighter(workers=1, timeout=10.0, memory_limit_mb=48) as pool:
        pool.start()
        (pid,) = pool.worker_pids()
        huge = HighlightRequest.from_fields(
            {"code": "x = 1\n" * 100_000, "lexer": "python", "format": "tokens"})
        with pytest.raises(HighlightError) as info:
            pool.highlight(huge)
        assert (info.value.code, info.value.status) == ("too_large", 413)
        assert pool.highlight(QUICK)["lexer"]["name"] == "Python"
        assert pool.worker_pids() != [pid]


def test_a_forked_process_gets_its_own_children(pool):
    """As in a gunicorn worker forked from a master that created the pool."""
    parent_pids = pool.worker_pids()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the forked process
        status = 1
        try:
            fresh = pool.worker_pids() == []
            works = pool.highlight(QUICK)["lexer"]["name"] == "Python"
            own = not set(pool.worker_pids()) & set(parent_pids)
            pool.close()
            status = 0 if fresh and works and own else 2
        finally:
            os._exit(status)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert pool.worker_pids() == parent_pids
    assert pool.highlight(QUICK)["lexer"]["name"] == "Python"


def test_a_closed_pool_ends_its_children_and_refuses_work():
    pool = Highlighter(workers=2)
    pool.start()
    pids = pool.worker_pids()
    pool.close()
    assert pool.worker_pids() == [] and gone(pids)
    with pytest.raises(RuntimeError):
        pool.highlight(QUICK)


def test_a_forgotten_pool_ends_its_children_when_collected():
    pool = Highlighter(workers=2)
    pool.start()
    pids = pool.worker_pids()
    del pool
    gc.collect()
    assert gone(pids)


def test_children_end_with_their_parent_even_mid_job():
    """Killed parent: the idle child sees its stdin close; the busy one ends on its own
    alarm after twice the budget plus a second (here 2 s), long before the job would end."""
    script = textwrap.dedent("""
        from apps.highlighter.core import HighlightRequest, Highlighter
        from tests.payloads import SLOW_SCALA_FIELDS
        pool = Highlighter(workers=2, timeout=0.5)
        pool.start()
        print(*pool.worker_pids(), flush=True)
        pool.highlight(HighlightRequest.from_fields(SLOW_SCALA_FIELDS))
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    pids = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(pids) == 2
    idle_cpu = {pid: cpu_seconds(pid) for pid in pids}
    busy = set_to_work(idle_cpu, "a child at work on the job")
    parent.kill()
    parent.wait()
    parent.stdout.close()
    alarm = 2 * 0.5 + 1
    cpu_until_gone(busy, idle_cpu[busy] + (1 + SLACK) * alarm, "the orphaned child on the slow highlight")
    assert gone(pids)
