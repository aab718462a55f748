"""Real servers for tests: the Procfile's ``web:`` command on a free loopback port."""

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def procfile_command(process="web", root=ROOT):
    for line in (Path(root) / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == process:
            return command.strip()
    raise LookupError(f"no {process}: line in the Procfile")


def site_environment(data_dir, **overrides):
    """A production-like environment for a server of ours, with its own SQLite file."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SITE_", "SNIPPETS_", "HIGHLIGHTER_", "DIFFVIEWER_", "DJANGO_"))
    }
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        HOST="127.0.0.1",  # tests listen on loopback only
        DEBUG="false",
        SECRET_KEY="server-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_COOKIES="false",
        DATA_DIR=str(data_dir),
        STATIC_ROOT=str(Path(data_dir) / "static"),
        WEB_CONCURRENCY="2",
        RATELIMIT_ENABLED="false",  # tests of the limits themselves turn them on
    )
    if "DATABASE_URL" in os.environ:
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    env.update(overrides)
    return env


@contextlib.contextmanager
def running(command, env, port, log_path, ready_path="/healthz", timeout=60, cwd=ROOT):
    """Start ``command`` (a shell-style string, $PORT expanded) in ``cwd`` and wait until it answers."""
    argv = [os.path.expandvars(arg) if arg != "$PORT" else str(port) for arg in shlex.split(command)]
    env = {**env, "PORT": str(port)}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_until_ready(f"http://127.0.0.1:{port}{ready_path}", process, timeout, log_path)
            yield process
        finally:
            stop(process)


def wait_until_ready(url, process, timeout, log_path):
    def answers():
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{Path(log_path).read_text()[-3000:]}")
        try:
            httpx.get(url, timeout=2)
        except httpx.HTTPError:
            return False
        return True

    try:
        wait_until(answers, f"the server answering {url}", timeout=timeout, interval=0.2)
    except AssertionError:
        log = Path(log_path).read_text()[-3000:]
        raise RuntimeError(f"server did not answer {url} in {timeout}s:\n{log}") from None


def stop(process):
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def migrate(env, root=ROOT):
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=root, env=env, check=True)


def procfile_commands(path):
    """Every ``name: command`` line of a Procfile (e.g. ``deploy/Procfile.scaled``), by name."""
    commands = {}
    for line in (ROOT / path).read_text().splitlines():
        name, sep, command = line.partition(":")
        if sep and name.strip() and not name.lstrip().startswith("#"):
            commands[name.strip()] = command.strip()
    return commands


def checkout_environment(data_dir, root=ROOT, **overrides):
    """``site_environment`` for the checkout at ``root``: another one's code is put ahead of this
    checkout's editable install (``PYTHONPATH``)."""
    if Path(root) != ROOT:
        overrides = {"PYTHONPATH": str(root), **overrides}
    return site_environment(data_dir, **overrides)


@contextlib.contextmanager
def running_site(data_dir, root=ROOT, **overrides):
    """The whole site as the Procfile serves it, migrated, on a free loopback port: yields its URL.

    ``root``: another checkout of the project (e.g. a git worktree of an older commit), served
    with its own Procfile, code and settings by this virtualenv's Python."""
    env = checkout_environment(data_dir, root, **overrides)
    migrate(env, root)
    port = free_port()
    with running(procfile_command(root=root), env, port, Path(data_dir) / "gunicorn.log", cwd=root):
        yield f"http://127.0.0.1:{port}"


@dataclass(frozen=True)
class Site:
    """A running server of ours: its base URL, port and log file."""

    url: str
    port: int
    log: Path

    def log_text(self):
        return self.log.read_bytes().decode("utf-8", "replace")


def raw_exchange(port, data, timeout=5.0, half_close=False):
    """Send raw bytes to 127.0.0.1:``port`` and read until the server closes (or ``timeout``).

    ``half_close`` ends the sending side after the bytes, as a client with nothing more to
    say. Returns the bytes received; ``b""`` when the server closed without answering.
    """
    deadline = time.monotonic() + timeout
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # refused mid-send: read what the server said, if anything
        while time.monotonic() < deadline:
            sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            except OSError:
                break
            if not chunk:
                break
            received += chunk
    return received
