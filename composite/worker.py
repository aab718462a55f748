"""gunicorn's threaded worker, changed to read each request whole before a thread serves it.

Plain ``gthread`` gives a connection a thread as soon as its first bytes arrive, and that
thread then blocks reading the rest. With 2 workers × 4 threads, eight slow clients
(slowloris headers, or a body trickled a byte at a time) stop the whole site: measured with
``slowhttptest -H -c 64``, ``/healthz`` did not answer for 15 s. This worker reads the request
head and body in the worker's event loop, as nginx buffers requests for its upstreams, and
hands the connection to a thread only once its request has fully arrived. A request must
arrive within the worker timeout (``WEB_TIMEOUT``) or its connection is closed.

Bodies over ``BUFFER_MAX_BYTES`` (above every app's limit, so the app refuses them by their
Content-Length) and requests that would take the worker over ``BUFFER_BUDGET_BYTES`` of
buffered data go to a thread at once, as plain gthread would. A chunked body that announces
a chunk over that size, or a chunk-size line no parser would end, is refused here (413/400):
no app can know its size without reading it, and reading it would hold a thread for as long
as the client likes. Built on gthread's own hooks (``enqueue_req``, ``handle``, ``murder_pending``) of gunicorn 27.
"""

import selectors
import time
from functools import partial

import gunicorn
from gunicorn.workers.gthread import ThreadWorker

if int(gunicorn.__version__.split(".")[0]) < 27:
    raise RuntimeError(f"composite.worker needs gunicorn 27 or later (found {gunicorn.__version__}).")

BUFFER_MAX_BYTES = 16 * 1024 * 1024  # larger bodies are not buffered (the apps refuse them)
BUFFER_BUDGET_BYTES = 128 * 1024 * 1024  # buffered request bytes one worker holds at most
RECV_BYTES = 256 * 1024


class BufferingThreadWorker(ThreadWorker):
    def init_process(self):
        self.arriving = {}  # connection -> Arrival, for requests still being read
        super().init_process()

    def enqueue_req(self, conn):
        """Every connection with something to read comes here (new, kept alive or pipelined)."""
        if self.cfg.is_ssl or conn.is_http2:
            super().enqueue_req(conn)  # not bytes we can read framing from: plain gthread
            return
        left = conn.parser.unreader.take_buffered() if conn.parser is not None else b""
        arrival = Arrival(left, self.cfg, time.monotonic() + self.cfg.timeout)
        conn.sock.setblocking(False)
        if arrival.complete():
            self.hand_over(conn, arrival)
            return
        self.arriving[conn] = arrival
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_arrival_readable, conn))

    def on_arrival_readable(self, conn, sock):
        arrival = self.arriving[conn]
        try:
            data = conn.sock.recv(RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self.drop(conn)
            return
        arrival.feed(data)
        if arrival.wants_continue():
            try:
                conn.sock.send(b"HTTP/1.1 100 Continue\r\n\r\n")
            except OSError:
                pass
        buffered = sum(len(a.data) for a in self.arriving.values())
        if arrival.complete() or buffered > BUFFER_BUDGET_BYTES:
            self.poller.unregister(conn.sock)
            del self.arriving[conn]
            self.hand_over(conn, arrival)

    def hand_over(self, conn, arrival):
        if arrival.refusal is not None:
            try:
                conn.sock.send(arrival.refusal)
            except OSError:
                pass
            self.drop(conn)
            return
        conn.arrived = bytes(arrival.data)
        conn.arrived_whole = arrival.whole
        conn.data_ready = True  # gthread must not wait for more before parsing
        super().enqueue_req(conn)

    def handle(self, conn):
        """In the thread: put the bytes that arrived in front of the parser, then serve."""
        data = conn.__dict__.pop("arrived", None)
        if data is not None:
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(data)
        return super().handle(conn)

    def _keepalive_after(self, conn, keepalive):
        """A body the app left unread is dropped before the next request on the connection.

        gthread drains at most 64 KiB and otherwise closes the connection, although its
        response announced keep-alive: a client that sends its next request on it meets a
        closed socket. When the whole body is already in memory, dropping it costs nothing.
        """
        if keepalive and conn.__dict__.pop("arrived_whole", False):
            return bool(conn.parser.finish_body(deadline=time.monotonic() + 5, max_bytes=BUFFER_MAX_BYTES + 1))
        return super()._keepalive_after(conn, keepalive)

    def murder_pending(self):
        super().murder_pending()
        now = time.monotonic()
        for conn, arrival in list(self.arriving.items()):
            if arrival.deadline < now or not self.alive:
                self.drop(conn)

    def drop(self, conn):
        self.arriving.pop(conn, None)
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass
        self.nr_conns -= 1
        conn.close()


class Arrival:
    """The bytes of one request so far, and whether they make a whole request yet.

    Only framing is read here (where the head ends, Content-Length, chunked); anything odd
    (two lengths, both framings, a bad number, a head over gunicorn's limits) counts as
    complete, so that gunicorn's own parser sees it at once and refuses it.
    """

    def __init__(self, data, cfg, deadline):
        self.data = bytearray(data)
        self.deadline = deadline
        self.head_end = -1
        self.whole = False  # complete() found the whole request here, body included
        self.refusal = None  # the response to send instead of serving it, if any
        self.head_max = cfg.limit_request_line + cfg.limit_request_fields * (cfg.limit_request_field_size + 2) + 4
        self.continue_sent = False

    def feed(self, data):
        self.data += data

    def head(self):
        if self.head_end < 0:
            self.head_end = self.data.find(b"\r\n\r\n")
        return None if self.head_end < 0 else (bytes(self.data[: self.head_end]), self.head_end + 4)

    def wants_continue(self):
        head = self.head()
        if self.continue_sent or head is None or self.complete():
            return False
        lines = head[0].split(b"\r\n")
        expects = any(name == b"expect" and value.lower() == b"100-continue" for name, value in fields(lines[1:]))
        self.continue_sent = expects and lines[0].endswith(b"HTTP/1.1")
        return self.continue_sent

    def complete(self):
        head = self.head()
        if head is None:
            return len(self.data) > self.head_max
        text, start = head
        framing = [(name, value) for name, value in fields(text.split(b"\r\n")[1:])
                   if name in (b"content-length", b"transfer-encoding")]
        if not framing:
            self.whole = True
            return True
        if len(framing) > 1:
            return True  # conflicting or repeated framing: gunicorn refuses it
        (name, value), arrived = framing[0], len(self.data) - start
        if name == b"transfer-encoding":
            if value.lower() != b"chunked" or arrived > BUFFER_MAX_BYTES:
                return True
            with memoryview(self.data) as view:
                state = chunked_state(view[start:])
            self.whole = state == "whole"
            self.refusal = REFUSALS.get(state)
            return state != "incomplete"
        if not value.isdigit() or len(value) > 12 or int(value) > BUFFER_MAX_BYTES:
            return True
        self.whole = arrived >= int(value)
        return self.whole


def fields(lines):
    for line in lines:
        name, _, value = line.partition(b":")
        yield name.strip().lower(), value.strip()


def refusal(status, message):
    body = message.encode() + b"\n"
    head = f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"Connection: close\r\n\r\n" + body


REFUSALS = {
    "too_large": refusal("413 Content Too Large", "A chunk of the request body is larger than any this site accepts."),
    "endless": refusal("400 Bad Request", "A chunk-size line of the request body does not end."),
}


def chunked_state(body):
    """"whole" once a chunked body has its last chunk and the blank line after it; "odd"
    when gunicorn should see it now (a bad chunk size, which its parser refuses at once);
    "too_large" or "endless" for bodies to refuse here; else "incomplete"."""
    position = 0
    while True:
        end = bytes(body[position : position + 1024]).find(b"\r\n")
        if end < 0:
            return "endless" if len(body) - position > 1024 else "incomplete"
        size = bytes(body[position : position + end]).split(b";")[0].strip()
        try:
            length = int(size, 16)
        except ValueError:
            return "odd"
        position += end + 2
        if length > BUFFER_MAX_BYTES:
            return "too_large"
        if length == 0:
            rest = bytes(body[position:])
            return "whole" if rest.startswith(b"\r\n") or b"\r\n\r\n" in rest else "incomplete"
        position += length + 2
        if position > len(body):
            return "incomplete"
