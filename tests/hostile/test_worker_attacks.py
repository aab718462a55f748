"""Attacks on the buffering worker (composite/worker.py) through the Procfile's gunicorn,
2 workers × 4 threads, at the sizes of issue 9: the attacker gets a clear answer, and a probe
keeps getting /healthz within 0.5 s while the attack is under way (tests/hostile/probe.py).

Each attacking connection is a raw socket driven by one selector loop, sending as fast as the
server reads and reading any answer the moment it comes, as a careful client does.
"""

import json
import re
import selectors
import socket
import time

import httpx
import pytest

from tests import servers
from tests.hostile.probe import HealthProbe
from tests.waiting import wait_until

pytestmark = pytest.mark.server

BUDGET = 128 * 1024 * 1024  # BUFFER_BUDGET_BYTES, per worker
WORKERS = 2
DIFF_HEAD = b"POST /diff/api/diff HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"


class Attacker:
    """One connection: a request head, then up to ``body_bytes`` of ``pattern``, then silence."""

    def __init__(self, port, head, pattern, body_bytes):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setblocking(False)
        self.outgoing = memoryview(head + pattern * (body_bytes // len(pattern)))
        self.sent = 0
        self.answer = b""
        self.closed = False

    @property
    def done_sending(self):
        return self.sent == len(self.outgoing)

    def send_some(self):
        try:
            self.sent += self.sock.send(self.outgoing[self.sent:self.sent + 1024 * 1024])
        except BlockingIOError:
            pass
        except OSError:  # refused and closed under us: what the server said is still to read
            self.outgoing = self.outgoing[:self.sent]

    def read_some(self):
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        self.answer += data
        self.closed = not data

    def answered(self):
        return b"\r\n\r\n" in self.answer

    def status(self):
        return int(self.answer.split(b" ", 2)[1]) if self.answered() else None

    def header(self, name):
        head = self.answer.partition(b"\r\n\r\n")[0].decode("latin-1")
        for line in head.split("\r\n")[1:]:
            key, _, value = line.partition(":")
            if key.strip().lower() == name.lower():
                return value.strip()
        return None

    def error(self):
        return json.loads(self.answer.partition(b"\r\n\r\n")[2])["error"]


def attack(attackers, until, timeout=20):
    """Drive every connection until ``until(attacker)`` holds for each (or ``timeout``)."""
    with selectors.DefaultSelector() as selector:
        for attacker in attackers:
            selector.register(attacker.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, attacker)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not all(until(a) for a in attackers):
            for key, events in selector.select(0.2):
                attacker = key.data
                if events & selectors.EVENT_READ:
                    attacker.read_some()
                if events & selectors.EVENT_WRITE and not attacker.answered() and not attacker.done_sending:
                    attacker.send_some()
                if attacker.closed or attacker.answered() or attacker.done_sending:
                    selector.modify(attacker.sock, selectors.EVENT_READ, attacker) if not attacker.closed \
                        else selector.unregister(attacker.sock)
    return attackers


def release(attackers):
    for attacker in attackers:
        attacker.sock.close()


def test_stalled_uploads_past_the_budget_are_refused_at_once_and_the_site_keeps_answering(web):
    """40 connections declare 12 MB bodies and send all but the last byte. Each worker admits
    what fits in its budget; the others are told at once to come back later (503, Retry-After),
    and no thread is ever given a body still arriving."""
    declared = 12_000_000
    head = DIFF_HEAD + b"Content-Length: %d\r\n\r\n" % declared
    with HealthProbe(web.url) as probe:
        attackers = [Attacker(web.port, head, b"x", declared - 1) for _ in range(40)]
        try:
            attack(attackers, until=lambda a: a.answered() or a.done_sending)
            probe.wait_for(20)  # the admitted ones hold their stalled bodies; the probe keeps asking
            held = [a for a in attackers if not a.answered()]
            refused = [a for a in attackers if a.answered()]
        finally:
            release(attackers)
    probe.assert_answered_within(0.5)
    admitted_at_most = WORKERS * (BUDGET // declared)
    assert len(held) <= admitted_at_most and len(refused) >= 40 - admitted_at_most, (len(held), len(refused))
    assert all(a.done_sending for a in held)
    for attacker in refused:
        assert attacker.status() == 503, attacker.answer[:300]
        assert attacker.header("Retry-After") == "5" and attacker.header("Connection") == "close"
        assert attacker.error() == {"code": "busy", "message": "The server is receiving too many uploads at once; "
                                                               "try again in a few seconds."}
    with httpx.Client(base_url=web.url, timeout=10) as http:  # their budget is free again
        response = http.post("/diff/api/diff", json={"left": "a\n", "right": "b\n"})
        assert response.status_code == 200, response.text


def test_bodies_of_a_million_one_byte_chunks_are_refused_in_linear_time(web):
    """8 connections each send 6 MiB as 1-byte chunks (``1\\r\\nA\\r\\n``): each is refused once it
    passes the chunk cap, having cost the event loop a few milliseconds, not seconds."""
    head = DIFF_HEAD + b"Transfer-Encoding: chunked\r\n\r\n"
    with HealthProbe(web.url) as probe:
        probe.wait_for(1)
        attackers = [Attacker(web.port, head, b"1\r\nA\r\n", 6 * 1024 * 1024 * 6) for _ in range(8)]
        try:
            attack(attackers, until=lambda a: a.answered() or a.closed)
        finally:
            release(attackers)
        probe.wait_for(3)
    probe.assert_answered_within(0.5)
    for attacker in attackers:
        assert attacker.status() == 413, attacker.answer[:300]
        assert attacker.error()["message"] == ("The chunked request body is cut into more than 16,384 chunks; "
                                               "send it in larger chunks, or with a Content-Length.")
        assert not attacker.done_sending  # refused long before the end


def test_a_chunked_body_under_the_cap_is_served_like_any_other(web):
    """httpx sends a generator's pieces as chunks: here about 1,000 of them, 64 bytes each."""
    document = json.dumps({"left": "".join(f"line {i}\n" for i in range(3000)),
                           "right": "".join(f"line {i}\n" for i in range(1, 3001))}).encode()

    def pieces():
        for start in range(0, len(document), 64):
            yield document[start:start + 64]

    with httpx.Client(base_url=web.url, timeout=10) as http:
        chunked = http.post("/diff/api/diff", content=pieces(), headers={"Content-Type": "application/json"})
        plain = http.post("/diff/api/diff", content=document, headers={"Content-Type": "application/json"})
    assert chunked.status_code == 200, chunked.text
    assert chunked.json() == plain.json()


def test_clients_that_never_close_do_not_stop_the_event_loop(web):
    """Sixteen clients ask for ``Connection: close`` and then neither read nor close. gthread
    closed each by lingering on it for up to 2 s in the event loop itself: /healthz stopped
    for 12 s. The worker lingers as one more event in its loop."""
    with HealthProbe(web.url) as probe:
        idle = [socket.create_connection(("127.0.0.1", web.port)) for _ in range(16)]
        try:
            for sock in idle:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            # Holding on past the 2 s linger is the attack itself: the server gives no sign
            # of a linger's end that a client could see, so the clients hold on for 3 s.
            time.sleep(3)
        finally:
            for sock in idle:
                sock.close()
    probe.assert_answered_within(0.5)


def test_pipelined_requests_of_every_framing_are_answered_in_order(web):
    """Buffering changes nothing for a well-behaved client: four requests sent at once on one
    connection (no body, Content-Length, chunked, no body) get their four answers in order."""
    document = json.dumps({"left": "a\n", "right": "b\n"}).encode()
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(document[i:i + 7]), document[i:i + 7])
                       for i in range(0, len(document), 7)) + b"0\r\n\r\n"
    patch = b"POST /diff/api/diff.patch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    answer = servers.raw_exchange(web.port, (
        b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        + patch + b"Content-Length: %d\r\n\r\n" % len(document) + document
        + patch + b"Transfer-Encoding: chunked\r\n\r\n" + chunked
        + b"GET /diff/api/no-such-thing HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), timeout=10)
    statuses = [int(status) for status in re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)]
    assert statuses == [200, 200, 200, 404], answer[-500:]
    assert answer.count(b"-a\n+b\n") == 2


def test_a_client_that_expects_100_continue_is_told_to_go_on_or_refused_before_it_sends(web):
    with socket.create_connection(("127.0.0.1", web.port), timeout=5) as sock:
        sock.sendall(DIFF_HEAD + b"Expect: 100-continue\r\nContent-Length: 99999999\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 413 Content Too Large\r\n")
    document = json.dumps({"left": "a\n", "right": "b\n"}).encode()
    with socket.create_connection(("127.0.0.1", web.port), timeout=5) as sock:
        sock.sendall(DIFF_HEAD + b"Expect: 100-continue\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
                     % len(document))
        assert sock.recv(65536) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(document)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert b"HTTP/1.1 200 OK\r\n" in answer


def test_a_chunked_upload_reaches_django_with_its_body(web):
    """Django reads no body without a Content-Length; the worker decodes chunked bodies and
    hands them on with one, so ``curl -T -`` style uploads to the paste API work."""
    def pieces():
        yield b"content=print%281%29%0A"
        yield b"&lexer=python"

    with httpx.Client(base_url=web.url, timeout=10) as http:
        created = http.post("/api/snippets", content=pieces(),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert created.status_code == 201, created.text
        assert http.get(created.json()["raw_url"]).text == "print(1)\n"


@pytest.fixture(scope="module")
def impatient(tmp_path_factory):
    """The Procfile's gunicorn with short timeouts: 2 s for a request to arrive, 8 s per answer
    (long enough for twelve 4 MB answers to be made on a loaded 2-core machine)."""
    data = tmp_path_factory.mktemp("impatient")
    env = servers.site_environment(data, WEB_CONCURRENCY="2", WEB_THREADS="4", WEB_TIMEOUT="8", BUFFER_TIMEOUT="2")
    env.pop("DATABASE_URL", None)
    servers.migrate(env)
    port = servers.free_port()
    log = data / "gunicorn.log"
    with servers.running(servers.procfile_command("web"), env, port, log):
        yield servers.Site(f"http://127.0.0.1:{port}", port, log)


def test_a_request_that_does_not_arrive_in_time_gets_408(impatient):
    started = time.monotonic()  # before the server can start its clock
    with socket.create_connection(("127.0.0.1", impatient.port), timeout=10) as sock:
        sock.sendall(b"POST /api/snippets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nhalf")
        answer = sock.recv(65536)
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), answer
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["error"]["message"] == \
        "The request did not arrive whole within 2 seconds."
    assert waited >= 2.0  # not before its deadline (the message names which deadline it was)


def test_clients_that_stop_reading_their_answers_hold_no_thread_and_are_dropped_at_the_deadline(impatient):
    """Twelve clients (more than the 8 threads) ask for a 4 MB answer and read none of it.
    Each thread hands what the client does not take to the event loop and is free as soon as
    the app is done (composite/answer.py): once all twelve are served, /healthz is answered
    within 0.5 s while they hold on. The loop then drops each client at the answer's deadline
    (WEB_TIMEOUT, 8 s here, or 4 MB at 1 MiB/s), while the client still holds its connection."""
    request = json.dumps({"code": "<" * 1_000_000, "lexer": "text"}).encode()
    head = (b"POST /highlight/api/highlight HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(request))
    with httpx.Client(base_url=impatient.url, timeout=10) as http:  # warm the highlighter's cache
        assert http.post("/highlight/api/highlight", content=request,
                         headers={"Content-Type": "application/json"}).status_code == 200
    served_before = impatient.log_text().count('"POST /highlight/api/highlight HTTP/1.1" 200')
    gave_up = "it did not take its answer in time (8 s, or 1024 KiB/s)"
    readers = []
    try:
        for _ in range(12):
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect(("127.0.0.1", impatient.port))
            sock.sendall(head + request)
            readers.append(sock)
        served = wait_for_log(impatient, '"POST /highlight/api/highlight HTTP/1.1" 200',
                              served_before + 12) - served_before
        dropped_by_then = impatient.log_text().count(gave_up)
        with HealthProbe(impatient.url, timeout=15) as probe:
            probe.wait_for(20)
        dropped = wait_for_log(impatient, gave_up, 12)
    finally:
        for sock in readers:
            sock.close()
    assert served == 12 and dropped_by_then == 0, \
        f"{served} of the 12 threads finished, {dropped_by_then} only because their client was dropped"
    probe.assert_answered_within(0.5)
    assert dropped == 12


def wait_for_log(site, text, count):
    """How many times ``text`` is in the server's log, once it is there ``count`` times."""
    return wait_until(lambda: (found := site.log_text().count(text)) >= count and found,
                      f"{count} lines with {text!r} in the server's log")
