"""Faults under the Procfile's gunicorn: the highlighter gone, the database gone and back,
and a worker killed with SIGKILL in the middle of a burst of snippet creations."""

import contextlib
import hashlib
import os
import random
import signal
import socket
import sqlite3
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests import servers
from tests.waiting import wait_until

pytestmark = pytest.mark.server

POSTGRES = ("127.0.0.1", 5432)


def postgres_available():
    with contextlib.suppress(OSError), socket.create_connection(POSTGRES, timeout=1):
        return True
    return False


needs_postgres = pytest.mark.skipif(not postgres_available(), reason="no PostgreSQL on 127.0.0.1:5432")


@contextlib.contextmanager
def fresh_postgres_database():
    """A new, empty database ``composite_fault_<random>`` (user postgres, trust auth), dropped after."""
    import psycopg

    name = f"composite_fault_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class TcpProxy:
    """127.0.0.1:<port> → ``target``, in threads; ``stop()`` cuts every connection and
    refuses new ones (the database "goes away"), ``start()`` brings it back on the same port."""

    def __init__(self, target):
        self.target = target
        self.port = servers.free_port()
        self.sockets = set()
        self.lock = threading.Lock()
        self.listener = None

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.2)
        self.listener = listener
        threading.Thread(target=self.accept, args=(listener,), daemon=True).start()

    def accept(self, listener):
        while self.listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=2)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pump, args=(a, b), daemon=True).start()

    def pump(self, source, sink):
        source.settimeout(None)
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def stop(self):
        listener, self.listener = self.listener, None
        listener.close()
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()


# ---- the highlighter unreachable ----


def test_with_the_highlighter_unreachable_paste_pages_are_plain_text(tmp_path):
    """The paste site and diff viewer served here, HIGHLIGHTER_URL a port nobody listens on."""
    closed = servers.free_port()
    env = servers.site_environment(
        tmp_path, MOUNT_APPS="snippets,diffviewer", HIGHLIGHTER_URL=f"http://127.0.0.1:{closed}"
    )
    env.pop("DATABASE_URL", None)
    servers.migrate(env)
    port = servers.free_port()
    with servers.running(servers.procfile_command("web"), env, port, tmp_path / "gunicorn.log", ready_path="/"):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=20) as http:
            created = http.post("/api/snippets", json={"content": "import os\nprint('<b>')\n", "lexer": "python"})
            assert created.status_code == 201, created.text
            page = http.get("/s/" + created.json()["id"])
            assert page.status_code == 200
            assert "showing plain text" in page.text
            # The refused connection is noticed at once, not waited out ("did not answer in time").
            assert "could not be reached" in page.text
            assert "print(&#x27;&lt;b&gt;&#x27;)" in page.text or "print('&lt;b&gt;')" in page.text
            assert http.get("/").status_code == 200
            diff = http.post("/diff/api/diff", json={"left": "a\n", "right": "b\n", "lexer": "python"})
            assert diff.status_code == 200


# ---- the database unreachable, then back ----


@needs_postgres
def test_an_unreachable_database_is_a_clear_503_and_the_site_recovers(tmp_path):
    proxy = TcpProxy(POSTGRES)
    proxy.start()
    with fresh_postgres_database() as name:
        env = servers.site_environment(tmp_path, DATABASE_URL=f"postgres://postgres@127.0.0.1:{proxy.port}/{name}")
        servers.migrate(env)
        port = servers.free_port()
        try:
            with servers.running(servers.procfile_command("web"), env, port, tmp_path / "gunicorn.log"):
                with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=20) as http:
                    snippet = http.post("/api/snippets", json={"content": "x = 1\n", "lexer": "text"}).json()
                    assert http.get("/healthz").status_code == 200

                    proxy.stop()
                    page = http.get("/s/" + snippet["id"])
                    assert page.status_code == 503
                    assert "database is not available" in page.text
                    assert page.headers.get("Retry-After")
                    api = http.post("/api/snippets", json={"content": "y = 2\n"})
                    assert api.status_code == 503
                    assert api.json()["error"]["code"] == "database_unavailable"
                    health = http.get("/healthz")
                    assert health.status_code == 503
                    assert health.json()["apps"]["snippets"]["status"] == "fail"
                    assert health.json()["apps"]["snippets"]["database"].startswith("OperationalError: ")  # the cause

                    proxy.start()
                    wait_until(lambda: http.get("/healthz").status_code == 200, "/healthz recovered")
                    wait_until(lambda: http.get("/s/" + snippet["id"]).status_code == 200, "the snippet page recovered")
                    assert http.get(f"/s/{snippet['id']}/raw").text == "x = 1\n"
        finally:
            proxy.stop() if proxy.listener else None
    log = (tmp_path / "gunicorn.log").read_text()
    assert "Traceback" not in log


# ---- a worker killed during a burst of creations ----


def worker_pids(master):
    with open(f"/proc/{master}/task/{master}/children") as children:
        return [int(pid) for pid in children.read().split()]


def burst_with_a_kill(url, master, clients=8, before=10, after=10):
    """Create snippets from ``clients`` threads; SIGKILL a worker once ``before`` of them are
    created, and go on until ``after`` more are."""
    created, failures = [], []
    stop = threading.Event()

    def client(n):
        rng = random.Random(n)
        with httpx.Client(base_url=url, timeout=60) as http:
            for i in range(400):  # bounded; stopped first
                if stop.is_set():
                    return
                content = f"# client {n} snippet {i}\n" + "".join(
                    rng.choice("abcdefgh é€\n") for _ in range(rng.randint(10, 40_000))
                )
                if i % 2:
                    fields = {"json": {"content": content, "lexer": "text"}}
                else:
                    fields = {"files": {"content": (None, content.encode())}, "data": {"lexer": "text"}}
                try:
                    response = http.post("/api/snippets", **fields)
                except httpx.HTTPError as error:
                    failures.append(type(error).__name__)
                    continue
                if response.status_code == 201:
                    created.append((response.json()["id"], content))
                else:
                    failures.append(response.status_code)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [pool.submit(client, n) for n in range(clients)]
        try:
            wait_until(lambda: len(created) >= before, f"{before} snippets created before the kill")
            victim = worker_pids(master)[0]
            os.kill(victim, signal.SIGKILL)
            killed_at = len(created)
            wait_until(lambda: len(created) >= killed_at + after, f"{after} snippets created after the kill")
        finally:
            stop.set()
        for future in futures:
            future.result()
    return created, failures, victim


def check_every_creation(url, created):
    with httpx.Client(base_url=url, timeout=15) as http:
        for snippet_id, content in created:
            raw = http.get(f"/s/{snippet_id}/raw")
            assert raw.status_code == 200 and raw.text == content, snippet_id
            meta = http.get(f"/api/snippets/{snippet_id}").json()
            data = content.encode()
            assert (meta["size"], meta["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())


# Every snippet with every file of every revision: a snippet without a revision or a revision
# without a file comes out with NULLs, as half-written as a file whose digest is not its text's.
EVERY_FILE = ("SELECT s.id, f.content, f.size, f.sha256 FROM snippets_snippet s"
              " LEFT JOIN snippets_revision r ON r.snippet_id = s.id"
              " LEFT JOIN snippets_file f ON f.revision_id = r.id")


def rows_out_of_step(rows):
    """Snippets with no file, or a file whose size or digest do not match its text: half-written."""
    return [
        row_id for row_id, content, size, digest in rows
        if content is None or (len(content.encode()), hashlib.sha256(content.encode()).hexdigest()) != (size, digest)
    ]


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=needs_postgres)])
def test_a_worker_killed_mid_burst_leaves_every_201_intact_and_nothing_half_written(tmp_path, database, record_property):
    with contextlib.ExitStack() as stack:
        env = servers.site_environment(tmp_path, WEB_CONCURRENCY="2", WEB_THREADS="4")
        if database == "postgres":
            name = stack.enter_context(fresh_postgres_database())
            env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        else:
            env.pop("DATABASE_URL", None)
        servers.migrate(env)
        port = servers.free_port()
        url = f"http://127.0.0.1:{port}"
        master = stack.enter_context(servers.running(servers.procfile_command("web"), env, port, tmp_path / "gunicorn.log"))
        created, failures, victim = burst_with_a_kill(url, master.pid)
        wait_until(lambda: len(worker_pids(master.pid)) == 2 and victim not in worker_pids(master.pid),
                   "the killed worker replaced")
        record_property("burst", {"created": len(created), "failed": len(failures)})
        print(f"\n{database}: {len(created)} created (201), {len(failures)} failed: {sorted(set(map(str, failures)))}")
        assert len(created) >= 20
        check_every_creation(url, created)
        if database == "postgres":
            import psycopg

            with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as db:
                rows = db.execute(EVERY_FILE).fetchall()
        else:
            with contextlib.closing(sqlite3.connect(tmp_path / "composite.sqlite3")) as db:
                rows = db.execute(EVERY_FILE).fetchall()
        assert rows_out_of_step(rows) == []
        assert {row[0] for row in rows} >= {snippet_id for snippet_id, _ in created}
        with httpx.Client(base_url=url, timeout=10) as http:
            assert http.get("/healthz").status_code == 200
