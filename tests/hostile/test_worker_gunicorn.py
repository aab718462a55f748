"""composite/worker.py builds on gunicorn's gthread internals: this fails loudly when they change.

gunicorn is pinned to the minor version the worker was written for (pyproject.toml). Before
moving the pin, make these tests pass again, re-reading each method named in a failure. They
check the signature of every gthread method the worker overrides or calls, the few lines of
gthread it relies on, and the socket methods gunicorn writes answers with (composite/answer.py
stands in for the socket). The worker also refuses, at start-up, the gunicorn settings it cannot
honour, with a message naming each.
"""

import inspect
import re
import subprocess
import tomllib

import gunicorn
import pytest
from gunicorn import util
from gunicorn.http import wsgi
from gunicorn.http.unreader import Unreader
from gunicorn.workers import gthread

from composite import answer, worker
from tests import servers

# What the worker was written against: (owner, name) -> signature, and what the worker does with it.
RECORDED = {
    (gthread.ThreadWorker, "check_config"): ("(cfg, log)", "overridden: refuses settings"),
    (gthread.ThreadWorker, "init_process"): ("(self)", "overridden: sets up budgets before the loop"),
    (gthread.ThreadWorker, "enqueue_req"): ("(self, conn)", "overridden: every readable connection comes here"),
    (gthread.ThreadWorker, "handle"): ("(self, conn)", "overridden: gives the parser the arrived bytes"),
    (gthread.ThreadWorker, "handle_request"): ("(self, req, conn)", "overridden: the answer goes through HandedAnswer"),
    (gthread.ThreadWorker, "_keepalive_after"): ("(self, conn, keepalive)", "overridden: drops an unread body"),
    (gthread.ThreadWorker, "finish_request"): ("(self, conn, fs)", "overridden and called: sends kept answers first"),
    (gthread.ThreadWorker, "murder_pending"): ("(self)", "overridden: deadlines of arrivals, lingering, sending"),
    (gthread.TConn, "__init__"): ("(self, cfg, sock, client, server)", "its sock, parser, client, data_ready"),
    (gthread.TConn, "init"): ("(self)", "called by handle() before the parser is replaced"),
    (Unreader, "read"): ("(self, size=None, read_ahead=None)", "overridden by ArrivedUnreader"),
    (Unreader, "unread"): ("(self, data)", "overridden by ArrivedUnreader"),
    (Unreader, "chunk"): ("(self, size_hint=None)", "overridden by ArrivedUnreader"),
    (Unreader, "take_buffered"): ("(self)", "overridden by ArrivedUnreader"),
    (util, "close_graceful"): ("(sock, timeout=2.0, max_drain=65536)", "called on HandedAnswer when an app fails"),
}

# Lines of gthread the worker relies on, by method.
RELIED_ON = {
    "run": ["self.murder_pending()"],  # after each turn of the loop: our deadlines are checked there
    "enqueue_req": ["self.method_queue.defer(self.finish_request, conn, fut)"],  # finish_request in the loop
    "handle": ["self._keepalive_after(conn, self.handle_request(req, conn))", "conn.data_ready"],
    "finish_request": ["conn.parser.unreader.buf.getvalue()"],  # a pipelined request is served next
}

# The socket methods gunicorn writes an answer with; HandedAnswer must stand in for each.
ANSWER_SOCKET_METHODS = {"send", "sendall", "sendfile"}


def test_gunicorn_is_the_minor_version_the_worker_was_written_for_and_the_pin_says_so():
    found = tuple(int(part) for part in gunicorn.__version__.split(".")[:2])
    assert found == worker.WRITTEN_FOR, (
        f"gunicorn {gunicorn.__version__} is installed; composite/worker.py was written for "
        f"{worker.WRITTEN_FOR}. Re-check the worker against the new gthread, then move WRITTEN_FOR and the pin.")
    with open(servers.ROOT / "pyproject.toml", "rb") as file:
        dependencies = tomllib.load(file)["project"]["dependencies"]
    major, minor = worker.WRITTEN_FOR
    assert f"gunicorn>={major}.{minor},<{major}.{minor + 1}" in [d.replace(" ", "") for d in dependencies]


@pytest.mark.parametrize(("owner", "name"), list(RECORDED), ids=[f"{o.__name__}.{n}" for o, n in RECORDED])
def test_each_gunicorn_method_the_worker_overrides_or_calls_keeps_its_signature(owner, name):
    recorded, why = RECORDED[(owner, name)]
    now = str(inspect.signature(getattr(owner, name)))
    assert now == recorded, (
        f"gunicorn changed {owner.__name__}.{name}: it was {recorded}, it is now {now}. composite/worker.py "
        f"relies on it ({why}): re-read the new code and adapt the worker before moving the gunicorn pin.")


@pytest.mark.parametrize("method", list(RELIED_ON))
def test_the_lines_of_gthread_the_worker_relies_on_are_still_there(method):
    source = inspect.getsource(getattr(gthread.ThreadWorker, method))
    for line in RELIED_ON[method]:
        assert line in source, (
            f"ThreadWorker.{method} no longer contains {line!r}; composite/worker.py relies on it. "
            "Re-read the new gthread before moving the gunicorn pin.")


def test_gunicorn_writes_answers_only_with_socket_methods_the_handed_answer_stands_in_for():
    used = set(re.findall(r"\bsock\.(\w+)\(", inspect.getsource(wsgi)))
    assert used == ANSWER_SOCKET_METHODS, (
        f"gunicorn's Response now calls sock.{sorted(used - ANSWER_SOCKET_METHODS)}: composite/answer.py's "
        "HandedAnswer must handle those (or they reach the real socket behind its back).")
    for name in ANSWER_SOCKET_METHODS | {"shutdown"}:
        assert name in vars(answer.HandedAnswer), name


@pytest.mark.server
@pytest.mark.parametrize(("arguments", "named"), [
    ("--certfile /etc/hostname --keyfile /etc/hostname", "certfile/keyfile"),
    ("--http2-cleartext upgrade", "http2_cleartext='upgrade'"),
    ("--proxy-protocol v1", "proxy_protocol='v1'"),
    ("--protocol uwsgi", "protocol='uwsgi'"),
])
def test_a_setting_the_worker_cannot_honour_stops_the_server_naming_it(tmp_path, arguments, named):
    env = servers.site_environment(tmp_path, PORT=str(servers.free_port()), GUNICORN_CMD_ARGS=arguments)
    result = subprocess.run(servers.procfile_command("web").split(), check=False, cwd=servers.ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    assert f"composite.worker.BufferingThreadWorker cannot honour {named}" in output, output[-2000:]
    assert "Traceback" not in output, output[-2000:]
    assert "Booting worker" not in output, "a worker started before the setting was refused"


def test_the_worker_overrides_exactly_the_recorded_methods_and_no_new_one_by_accident():
    """A gthread method added later with the name of one of the worker's own (``close``,
    ``linger``, ``take``…) would be overridden silently."""
    own = {name for name in vars(worker.BufferingThreadWorker) if not name.startswith("__")}
    overridden = {name for name in own if hasattr(gthread.ThreadWorker, name)}
    recorded = {name for owner, name in RECORDED if owner is gthread.ThreadWorker}
    assert overridden == recorded, (
        f"composite/worker.py now overrides {sorted(overridden - recorded)} of gthread without a recorded "
        f"signature, or no longer overrides {sorted(recorded - overridden)}: rename, or record and re-check.")
