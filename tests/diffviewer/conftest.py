"""Fixtures for the diff viewer's web layer: the app alone, and small local servers.

``client`` (tests/conftest.py) is the whole composite; ``standalone`` is the diff viewer by
itself, as ``python -m apps.diffviewer`` runs it, built by ``make_app(**config)``.
"""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from werkzeug.test import Client

from apps.diffviewer import create_app


@pytest.fixture
def make_app():
    return lambda **config: create_app(config)


@pytest.fixture
def standalone(make_app):
    return Client(make_app())


class Listener:
    """A TCP port that records every connection made to it and answers nothing."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    """A port nobody may reach: tests assert ``listener.connections == 0``."""
    server = Listener()
    yield server
    server.close()


class Origin(BaseHTTPRequestHandler):
    """An allowed origin's answers, by path. ``redirect_to`` is filled in by the fixture."""

    routes = {
        "/a.txt": (200, "text/plain; charset=utf-8", "one\ntwo\nthree\n".encode()),
        "/b.txt": (200, "text/plain; charset=utf-8", "one\n2\nthree\n".encode()),
        "/latin1.txt": (200, "text/plain; charset=iso-8859-1", "café\n".encode("latin-1")),
        "/page.html": (200, "text/html", b"<p>hi</p>\n"),
        "/image.png": (200, "image/png", b"\x89PNG\r\n"),
        "/nul.txt": (200, "text/plain", b"a\0b\n"),
        "/bad-utf8.txt": (200, "text/plain; charset=utf-8", b"\xff\xfe\n"),
        "/missing": (404, "text/plain", b"no\n"),
        # A paste site refusing a burn-after-reading snippet to an app (apps/snippets/burning.py).
        "/burn": (409, "application/json",
                  b'{"error": {"code": "burn_after_reading", "message": "It was not opened."}}'),
        "/forbidden": (403, "text/plain", b"no\n"),
    }
    requests = []
    headers_seen = []  # the headers of each request, in order

    def do_GET(self):
        self.requests.append(self.path)
        self.headers_seen.append(dict(self.headers))
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", self.server.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
            return
        if self.path == "/huge-streamed":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()  # no length: read until the limit, then give up
            try:
                for _ in range(1000):
                    self.wfile.write(b"x" * 65536 + b"\n")
            except OSError:
                pass
            self.close_connection = True
            return
        status, mimetype, body = self.routes.get(self.path.split("?")[0], (404, "text/plain", b"?"))
        self.send_response(status)
        self.send_header("Content-Type", mimetype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def origin(listener):
    """A small HTTP server on loopback, the one origin the standalone app may fetch from."""
    Origin.requests = []
    Origin.headers_seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Origin)
    port = server.server_address[1]
    server.url = f"http://127.0.0.1:{port}"
    server.requests = Origin.requests
    server.headers_seen = Origin.headers_seen
    server.redirects = {
        "/redirect-in": "/a.txt",
        "/redirect-out": f"http://127.0.0.1:{listener.port}/a.txt",
        "/redirect-userinfo": f"http://127.0.0.1:{port}@127.0.0.1:{listener.port}/a.txt",
        "/redirect-loop": "/redirect-loop",
    }
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
