"""gunicorn's threaded worker, changed so that no client can hold a thread or the event loop.

Plain ``gthread`` gives a connection a thread as soon as its first bytes arrive, and that
thread then blocks reading the rest: with 2 workers × 4 threads, eight slow clients stopped
the site (``slowhttptest -H -c 64``: no answer for 15 s). This worker reads each request whole
in its event loop first, as nginx buffers requests for its upstreams, and a thread gets only a
request that is already in memory:

- **A thread never reads from the client.** It gets the request's bytes and nothing more: its
  parser's source ends where the request ends. A chunked body is decoded in the event loop and
  handed on with a ``Content-Length`` (``composite.arrival``, linear in the bytes whatever the
  pieces, at most ``BUFFER_MAX_CHUNKS`` chunks).
- **A slow reader holds no thread.** A thread sends what the kernel takes at once and keeps
  the rest of its answer in memory for the event loop, which sends it as the client reads
  (``composite.answer``); the thread is free as soon as the app is done. Kept answers are
  charged to a per-worker budget, ``BUFFER_RESPONSE_BYTES``, a quarter of it at most for one
  answer (files need none: they are sent from their descriptor). Past that the rest goes to a
  temporary file, against ``BUFFER_RESPONSE_DISK_BYTES``; past both, a thread writes the rest
  itself, as before. Either way an answer must be taken within ``WEB_TIMEOUT`` of its first
  byte (or at 1 MiB/s when larger), or the connection is closed. So ``slowhttptest -X`` holds no thread while the kept
  answers fit in the budgets, and a thread for ``WEB_TIMEOUT`` at most per answer that does not.
- **A request must arrive whole within ``BUFFER_TIMEOUT`` seconds**, else ``408`` and the
  connection is closed.
- **Bodies are admitted against a budget.** A worker holds at most ``BUFFER_BUDGET_BYTES`` of
  request bodies, arriving, queued or being served; a Content-Length body reserves its whole
  length when its head arrives. A body that does not fit is refused at once: ``503`` with
  ``Retry-After``, before it is read. (A request holding under 64 KiB, e.g. any GET, always
  passes.) A body over ``BUFFER_MAX_BYTES`` is refused by its Content-Length with ``413``; a
  chunked one in more than ``BUFFER_MAX_CHUNKS`` chunks, with ``413`` too. Refusals are JSON
  on API paths (``/api/``) and for clients that accept JSON, plain text otherwise.
- **Closing never blocks the event loop.** gthread closes a connection by lingering on it for up
  to 2 s in the event loop itself (16 idle ``Connection: close`` clients stopped ``/healthz``
  for 12 s); here the lingering close (RFC 9112 §9.6: send FIN, read and drop what the client
  still sends, then close) is one more event in the loop.

Not bounded here: how many connections a client opens (gunicorn's ``worker_connections``; a
limit per client belongs at the edge, where the client's address is known), and how long the
app computes. A single client may hold the whole budget for ``BUFFER_TIMEOUT`` by declaring
large bodies: other uploads then get ``503`` meanwhile, never reads.

gunicorn settings this worker cannot honour stop the server at start-up, naming the setting
(``check_config``): TLS (the PaaS router terminates it), HTTP/2 and h2c, the PROXY protocol and
uwsgi. Each of those reads from the client in a thread or before the request is read here.
Built on gthread's internals (``check_config``, ``init_process``, ``enqueue_req``, ``handle``,
``handle_request``, ``_keepalive_after``, ``finish_request``, ``murder_pending``), so gunicorn
is pinned to the minor version below, and tests/hostile/test_worker_gunicorn.py fails when one
of them changes.
"""

import io
import selectors
import socket
import struct
import time
from dataclasses import dataclass
from functools import partial

import gunicorn
from gunicorn.http.unreader import Unreader
from gunicorn.workers.gthread import _DEFER, ThreadWorker

from composite.answer import ANSWER_BYTES_PER_SECOND, HandedAnswer, ResponseBudget
from composite.arrival import INCOMPLETE, REFUSED, WHOLE, Arrival, Limits, Refusal
from apps import environment as env

WRITTEN_FOR = (27, 0)  # the gunicorn minor version whose gthread this worker was written against
if tuple(int(part) for part in gunicorn.__version__.split(".")[:2]) != WRITTEN_FOR:
    raise RuntimeError(f"composite.worker was written for gunicorn {WRITTEN_FOR[0]}.{WRITTEN_FOR[1]}.x, found "
                       f"{gunicorn.__version__}: re-check the gthread methods it overrides "
                       "(tests/hostile/test_worker_gunicorn.py) before changing the pin in pyproject.toml.")

RECV_BYTES = 256 * 1024
FREE_BYTES = 64 * 1024  # a request holding less than this passes even when the budget is full
LINGER_SECONDS = 2.0  # how long a closing connection is read (and dropped) before it is closed
LINGER_BYTES = 1024 * 1024  # ... and how much of it at most
RETRY_AFTER_SECONDS = 5
ANSWER_SHARE = 4  # one answer keeps at most this fraction of BUFFER_RESPONSE_BYTES

BUSY = Refusal(503, "Service Unavailable", "busy",
               "The server is receiving too many uploads at once; try again in a few seconds.",
               retry_after=RETRY_AFTER_SECONDS)


@dataclass(frozen=True)
class BufferSettings:
    """The worker's limits, from the environment (read in config/gunicorn.conf.py at start-up,
    so a bad value stops the server before it starts)."""

    budget_bytes: int = 128 * 1024 * 1024
    max_bytes: int = 16 * 1024 * 1024
    max_chunks: int = 16384
    timeout: float = 25.0
    response_bytes: int = 32 * 1024 * 1024
    response_disk_bytes: int = 512 * 1024 * 1024

    @classmethod
    def from_env(cls, timeout):
        """``timeout``: BUFFER_TIMEOUT's default, the server's WEB_TIMEOUT."""
        return cls(
            budget_bytes=BUFFER_BUDGET_BYTES.read(),
            max_bytes=BUFFER_MAX_BYTES.read(),
            max_chunks=BUFFER_MAX_CHUNKS.read(),
            timeout=BUFFER_TIMEOUT.read() or float(timeout),
            response_bytes=BUFFER_RESPONSE_BYTES.read(),
            response_disk_bytes=BUFFER_RESPONSE_DISK_BYTES.read(),
        )


BUFFER_BUDGET_BYTES = env.Size("BUFFER_BUDGET_BYTES", BufferSettings.budget_bytes, minimum=FREE_BYTES)
BUFFER_MAX_BYTES = env.Size("BUFFER_MAX_BYTES", BufferSettings.max_bytes, minimum=1024)
BUFFER_MAX_CHUNKS = env.Integer("BUFFER_MAX_CHUNKS", BufferSettings.max_chunks, minimum=1)
BUFFER_TIMEOUT = env.Number("BUFFER_TIMEOUT", None, minimum=1)  # unset: the server's WEB_TIMEOUT
BUFFER_RESPONSE_BYTES = env.Size("BUFFER_RESPONSE_BYTES", BufferSettings.response_bytes, minimum=0)
BUFFER_RESPONSE_DISK_BYTES = env.Size("BUFFER_RESPONSE_DISK_BYTES", BufferSettings.response_disk_bytes, minimum=0)


class ArrivedUnreader(Unreader):
    """What a thread's parser reads a request from: the bytes that arrived, then the end.

    A thread never waits on the client: a request it gets is whole, or odd (gunicorn refuses
    it from what is there). Each read costs what it returns; gunicorn's own Unreader copies all
    it still holds on every read, which for a 16 MiB body read 64 KiB at a time is quadratic.
    """

    def __init__(self, data):  # pylint: disable=super-init-not-called (no BytesIO buffer here)
        self.data, self.offset = data, 0

    @property
    def buf(self):
        """What gthread looks at to see whether bytes are left over for another request."""
        return io.BytesIO(self.data[self.offset:])

    def chunk(self, size_hint=None):
        return b""

    def read(self, size=None, read_ahead=None):
        if size is not None and not isinstance(size, int):
            raise TypeError("size parameter must be an int or long.")
        end = len(self.data) if size is None or size < 0 else self.offset + size
        piece = self.data[self.offset:end]
        self.offset += len(piece)
        return piece

    def unread(self, data):
        start = self.offset - len(data)
        if start >= 0 and self.data[start:self.offset] == data:
            self.offset = start  # the parser gives back what it read past the head: no copy
        else:
            self.data, self.offset = data + self.data[self.offset:], 0

    def take_buffered(self):
        rest, self.data, self.offset = self.data[self.offset:], b"", 0
        return rest


class BufferingThreadWorker(ThreadWorker):
    @classmethod
    def check_config(cls, cfg, log):
        """Called by gunicorn's arbiter before any worker starts: refuse what we cannot honour."""
        super().check_config(cfg, log)
        refused = unhonoured_settings(cfg)
        if refused:
            raise RuntimeError("composite.worker.BufferingThreadWorker cannot honour "
                               + "; ".join(refused) + ". Change these settings, or use another worker_class.")

    def init_process(self):
        self.settings = BufferSettings.from_env(self.cfg.timeout)
        cfg = self.cfg
        head_bytes = cfg.limit_request_line + cfg.limit_request_fields * (cfg.limit_request_field_size + 2) + 4
        self.limits = Limits(head_bytes=head_bytes, body_bytes=self.settings.max_bytes, chunks=self.settings.max_chunks)
        self.arriving = {}  # connection -> (Arrival, deadline), for requests still being read
        self.charges = {}  # connection -> bytes of the budget it holds (arriving, queued or served)
        self.buffered = 0  # the sum of self.charges, kept as it changes
        self.lingering = {}  # connection -> (deadline, bytes dropped), for connections closing
        self.response_budget = ResponseBudget(self.settings.response_bytes)
        self.disk_budget = ResponseBudget(self.settings.response_disk_bytes) if self.settings.response_disk_bytes else None
        self.sending = {}  # connection -> (HandedAnswer, its thread's future), answers the loop sends
        self.next_murder = 0.0
        super().init_process()

    # -- arriving: read in the event loop ------------------------------------------------

    def enqueue_req(self, conn):
        """Every connection with something to read comes here (new, kept alive or pipelined)."""
        if not getattr(conn, "timeouts_set", False):
            set_socket_timeouts(conn.sock, self.cfg.timeout)
            send_without_delay(conn.sock)
            conn.timeouts_set = True
        left = conn.parser.unreader.take_buffered() if conn.parser is not None else b""
        conn.sock.setblocking(False)
        self.arriving[conn] = (Arrival(self.limits), time.monotonic() + self.settings.timeout)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_arrival_readable, conn))
        if left:
            self.take(conn, left)

    def on_arrival_readable(self, conn, sock):
        data = received(conn.sock)
        if data is None:
            return
        if not data:
            self.end_arrival(conn)
            self.close(conn)
            return
        self.take(conn, data)

    def take(self, conn, data):
        """Add bytes to a connection's request; hand it over, refuse it or wait for more."""
        arrival, _ = self.arriving[conn]
        state = arrival.feed(data)
        self.charge(conn, arrival.charge)
        if state in (INCOMPLETE, WHOLE) and arrival.charge >= FREE_BYTES and self.buffered > self.settings.budget_bytes:
            state = arrival.refuse(BUSY)
        if state == INCOMPLETE:
            if arrival.expects_continue and arrival.body_started:
                arrival.expects_continue = False
                send_quietly(conn.sock, b"HTTP/1.1 100 Continue\r\n\r\n")
            return
        self.end_arrival(conn)
        if state == REFUSED:
            self.charge(conn, 0)
            self.refuse(conn, arrival)
        else:
            self.hand_over(conn, arrival)

    def refuse(self, conn, arrival):
        self.log.info("Refused a request from %s: %s %s", conn.client, arrival.refusal.status, arrival.refusal.message)
        send_quietly(conn.sock, arrival.refusal.response(arrival.wants_json()))
        self.linger(conn)

    def hand_over(self, conn, arrival):
        conn.arrived = arrival.request
        conn.arrived_rest = arrival.rest
        conn.arrived_whole = arrival.state == WHOLE
        conn.data_ready = True  # gthread must not wait for more before parsing
        super().enqueue_req(conn)

    def end_arrival(self, conn):
        self.arriving.pop(conn, None)
        unregister(self.poller, conn.sock)

    def charge(self, conn, nbytes):
        self.buffered += nbytes - self.charges.pop(conn, 0)
        if nbytes:
            self.charges[conn] = nbytes

    # -- served: in a thread --------------------------------------------------------------

    def handle(self, conn):
        """In the thread: the parser reads the request that arrived, and nothing after it."""
        data = conn.__dict__.pop("arrived", None)
        if data is not None:
            conn.init()
            conn.parser.unreader = ArrivedUnreader(data)
        return super().handle(conn)

    def handle_request(self, req, conn):
        """Serve; the answer goes through a HandedAnswer: what the client does not take at
        once is kept for the event loop to send, and the thread is free when the app is done.
        Past the response budgets the thread writes itself, under the answer's deadline."""
        sock = conn.sock
        conn.sock = HandedAnswer(sock, self.response_budget, self.cfg.timeout,
                                 most_kept=self.settings.response_bytes // ANSWER_SHARE, disk=self.disk_budget)
        try:
            return super().handle_request(req, conn)
        except (TimeoutError, BlockingIOError):  # the client did not take the answer in time
            self.gave_up(conn)
            return False
        finally:
            if conn.sock.pending:
                conn.answer = conn.sock
            conn.sock = sock

    def gave_up(self, conn):
        self.log.info("Gave up on %s: it did not take its answer in time (%s s, or %s KiB/s).",
                      conn.client, self.cfg.timeout, ANSWER_BYTES_PER_SECOND // 1024)

    def _keepalive_after(self, conn, keepalive):
        """A body the app left unread is dropped (it is in memory) before the next request;
        a connection whose request was odd is never reused."""
        whole = conn.__dict__.pop("arrived_whole", False)
        return whole and keepalive and bool(conn.parser.finish_body())

    def finish_request(self, conn, fs):
        """Back in the event loop: free the request's budget, send what the thread kept of its
        answer, then keep the connection or close it."""
        self.charge(conn, 0)
        answer = conn.__dict__.pop("answer", None)
        if answer is None:
            self.after_answer(conn, fs)
            return
        self.sending[conn] = (answer, fs)
        conn.sock.setblocking(False)
        self.poller.register(conn.sock, selectors.EVENT_WRITE, partial(self.on_sendable, conn))

    def on_sendable(self, conn, sock):
        answer, fs = self.sending[conn]
        try:
            done = answer.send_some(conn.sock)
        except OSError:  # the client is gone
            self.close(conn)
            return
        if done:
            self.stop_sending(conn)
            self.after_answer(conn, fs)

    def stop_sending(self, conn):
        answer, _ = self.sending.pop(conn)
        answer.discard()
        unregister(self.poller, conn.sock)

    def after_answer(self, conn, fs):
        rest = conn.__dict__.pop("arrived_rest", b"")
        result = None if fs.cancelled() or fs.exception() is not None else fs.result()
        if result is _DEFER or result:
            if result is not _DEFER and rest:
                conn.parser.unreader.unread(rest)  # a pipelined request: gthread enqueues it again
            super().finish_request(conn, fs)
        else:
            self.linger(conn)

    # -- closing: lingering in the event loop, never blocking it ---------------------------

    def linger(self, conn):
        """Close after the answer has gone: FIN first, then drop what the client still sends,
        so the kernel does not answer unread bytes with a reset that loses our answer."""
        unregister(self.poller, conn.sock)
        try:
            conn.sock.setblocking(False)
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self.close(conn)
            return
        self.lingering[conn] = (time.monotonic() + LINGER_SECONDS, 0)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_lingering_readable, conn))

    def on_lingering_readable(self, conn, sock):
        deadline, dropped = self.lingering[conn]
        data = received(conn.sock)
        if data is None:
            return
        if not data or dropped + len(data) > LINGER_BYTES:
            self.close(conn)
        else:
            self.lingering[conn] = (deadline, dropped + len(data))

    def murder_pending(self):
        """After each turn of the event loop: requests past their deadline get 408, lingering
        connections past theirs are closed (looked at 4 times a second, not at every event)."""
        super().murder_pending()
        now = time.monotonic()
        if now < self.next_murder:
            return
        self.next_murder = now + 0.25
        for conn, (arrival, deadline) in list(self.arriving.items()):
            if deadline < now or not self.alive:
                self.end_arrival(conn)
                self.charge(conn, 0)
                if arrival.started and self.alive:
                    arrival.refuse(timed_out(self.settings.timeout))
                    self.refuse(conn, arrival)
                else:
                    self.close(conn)
        for conn, (deadline, _) in list(self.lingering.items()):
            if deadline < now:
                self.close(conn)
        for conn, (answer, _) in list(self.sending.items()):
            if answer.deadline() < now:
                self.gave_up(conn)
                self.close(conn)

    def close(self, conn):
        self.lingering.pop(conn, None)
        if conn in self.sending:
            self.stop_sending(conn)
        self.charge(conn, 0)
        unregister(self.poller, conn.sock)
        self.nr_conns -= 1
        conn.close()


def unhonoured_settings(cfg):
    """The gunicorn settings in ``cfg`` this worker cannot honour, each named with the reason."""
    refused = []
    if cfg.is_ssl:
        refused.append("certfile/keyfile (TLS: terminate it in front of gunicorn, as the PaaS router does)")
    if cfg.http2_cleartext != "off":
        refused.append(f"http2_cleartext={cfg.http2_cleartext!r} (h2c: only HTTP/1.1 is read in the event loop)")
    if any(protocol != "h1" for protocol in cfg.http_protocols):
        refused.append(f"http_protocols={','.join(cfg.http_protocols)!r} (only h1)")
    if cfg.proxy_protocol != "off":
        refused.append(f"proxy_protocol={cfg.proxy_protocol!r} (use the router's X-Forwarded-For: PROXY_HOPS)")
    if cfg.protocol != "http":
        refused.append(f"protocol={cfg.protocol!r} (only http)")
    return refused


def timed_out(seconds):
    return Refusal(408, "Request Timeout", "timeout", f"The request did not arrive whole within {seconds:g} seconds.")


def set_socket_timeouts(sock, seconds):
    """Kernel-level timeouts (SO_RCVTIMEO, SO_SNDTIMEO): they hold in blocking mode whatever
    gthread does with the socket's Python timeout (it calls setblocking(True))."""
    whole = int(seconds)
    timeval = struct.pack("ll", whole, int((seconds - whole) * 1_000_000))
    for option in (socket.SO_RCVTIMEO, socket.SO_SNDTIMEO):
        try:
            sock.setsockopt(socket.SOL_SOCKET, option, timeval)
        except OSError:
            pass


def send_without_delay(sock):
    """TCP_NODELAY, as nginx and Tornado set it: an answer leaves in more than one send (the
    head, the body; the rest of a kept answer from the event loop), and with Nagle's algorithm
    the last small segment waits for the client's ACK of the one before, which a client delays
    by up to 40 ms (seen: 32 wrk connections held at ~770 answers a second, p50 41 ms)."""
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass


def send_quietly(sock, data):
    """A short answer on a non-blocking socket; a client that is gone is no error."""
    try:
        sock.send(data)
    except OSError:
        pass


def unregister(poller, sock):
    try:
        poller.unregister(sock)
    except (KeyError, ValueError, OSError):
        pass


def received(sock):
    """What a readable socket holds: bytes, ``b""`` at its end (or on an error), or ``None``
    when the readiness was spurious and there is nothing yet."""
    try:
        return sock.recv(RECV_BYTES)
    except (BlockingIOError, InterruptedError):
        return None
    except OSError:
        return b""
