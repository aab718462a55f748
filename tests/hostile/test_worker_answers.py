"""How a thread hands its answer to the event loop (composite.answer), on real socket pairs:
what the client takes at once goes at once; the rest is kept, charged to the worker's response
budget, and sent as the client reads; past it, to a temporary file against the disk budget;
past both, the thread writes itself, under the answer's deadline; a file is sent from its
descriptor, never read into memory.

Through the Procfile's gunicorn: a kept answer arrives whole and in order, and the connection
is kept alive after it (pipelined requests included); a static file reaches a slow reader.
"""

import inspect
import os
import re
import select
import socket
import threading
import time

import httpx
import pytest

from composite.answer import HandedAnswer, ResponseBudget
from tests.payloads import operator_lines
from tests.waiting import PATIENCE, Running, wait_until

MIB = 1024 * 1024
# The big page's highlighting (a few seconds on a loaded machine) is waited for, not given up on.
SERVER_SETTINGS = {"HIGHLIGHT_TIMEOUT": "60"}


@pytest.fixture
def pair():
    """A connected pair whose server side is as the worker's thread has it (blocking, small
    kernel buffers so that 'the kernel does not take it all' happens at a few hundred KiB)."""
    server, client = socket.socketpair()
    for sock in (server, client):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    yield server, client
    server.close()
    client.close()


def read_exactly(sock, nbytes, timeout=10):
    sock.settimeout(timeout)
    received = bytearray()
    while len(received) < nbytes:
        data = sock.recv(min(1024 * 1024, nbytes - len(received)))
        assert data, f"the connection ended after {len(received)} of {nbytes} bytes"
        received += data
    return bytes(received)


def drain_from_the_loop(answer, sock, timeout=PATIENCE):
    """What the event loop does: send what the client takes whenever it can, until all is sent."""
    sock.setblocking(False)
    deadline = time.monotonic() + timeout
    while not answer.send_some(sock):
        _, writable, _ = select.select([], [sock], [], max(0.0, deadline - time.monotonic()))
        assert writable, "the answer was not sent"


def reader_once(answer, client, nbytes):
    """A client that starts reading only once the thread writes itself (``answer.by_thread``):
    until then it reads nothing, so the answer must pass its budgets first."""
    def read():
        wait_until(lambda: answer.by_thread, "the thread writing the rest itself")
        return read_exactly(client, nbytes)

    return Running(read)


def test_an_answer_the_kernel_takes_is_sent_at_once_and_nothing_is_kept(pair):
    server, client = pair
    budget = ResponseBudget(MIB)
    answer = HandedAnswer(server, budget, seconds=5)
    answer.sendall(b"HTTP/1.1 200 OK\r\n\r\nsmall")
    assert not answer.pending
    assert budget.left == MIB
    assert read_exactly(client, 24) == b"HTTP/1.1 200 OK\r\n\r\nsmall"


def test_what_the_client_does_not_take_is_kept_for_the_loop_and_charged_until_sent(pair):
    server, client = pair
    budget = ResponseBudget(8 * MIB)
    answer = HandedAnswer(server, budget, seconds=5)
    body = os.urandom(2 * MIB)
    answer.sendall(b"head")
    answer.sendall(body)  # nobody reads: a thread that waited would end at the deadline (TimeoutError)
    assert answer.pending and not answer.by_thread
    assert 0 < answer.kept_bytes <= 2 * MIB and budget.left == 8 * MIB - answer.kept_bytes
    reader = threading.Thread(target=lambda: received.append(read_exactly(client, 4 + 2 * MIB)))
    received = []
    reader.start()
    drain_from_the_loop(answer, server)
    reader.join(10)
    assert received == [b"head" + body]
    assert budget.left == 8 * MIB and answer.kept_bytes == 0


def test_past_the_budget_the_thread_writes_the_rest_itself_in_order(pair):
    server, client = pair
    budget = ResponseBudget(256 * 1024)
    answer = HandedAnswer(server, budget, seconds=5)
    pieces = [os.urandom(200 * 1024) for _ in range(5)]
    reader = reader_once(answer, client, 5 * 200 * 1024)
    for piece in pieces:
        answer.sendall(piece)  # blocks once the budget is spent, until the reader takes it
    assert answer.by_thread and not answer.pending
    assert reader.join() == b"".join(pieces)
    assert budget.left == 256 * 1024


def test_one_answer_keeps_no_more_than_its_share_and_leaves_the_rest_of_the_budget(pair):
    server, client = pair
    budget = ResponseBudget(8 * MIB)
    answer = HandedAnswer(server, budget, seconds=5, most_kept=MIB)
    pieces = [os.urandom(512 * 1024) for _ in range(6)]
    reader = reader_once(answer, client, 6 * 512 * 1024)
    for piece in pieces:
        answer.sendall(piece)
        assert budget.left >= 7 * MIB  # never more than its share taken
    assert answer.by_thread and reader.join() == b"".join(pieces)
    assert budget.left == 8 * MIB


def test_past_the_memory_budget_the_rest_goes_to_a_temporary_file_and_the_thread_is_free(pair):
    server, client = pair
    memory, disk = ResponseBudget(256 * 1024), ResponseBudget(16 * MIB)
    answer = HandedAnswer(server, memory, seconds=5, disk=disk)
    pieces = [os.urandom(200 * 1024) for _ in range(20)]
    for piece in pieces:
        answer.sendall(piece)  # nobody reads: a thread that waited would end at the deadline (TimeoutError)
    assert answer.pending and not answer.by_thread
    assert memory.left < 256 * 1024 and disk.left < 16 * MIB - 2 * MIB
    received = []
    reader = threading.Thread(target=lambda: received.append(read_exactly(client, 20 * 200 * 1024)))
    reader.start()
    drain_from_the_loop(answer, server)
    reader.join(10)
    assert received == [b"".join(pieces)]
    assert (memory.left, disk.left) == (256 * 1024, 16 * MIB)


def test_past_both_budgets_the_thread_sends_what_was_kept_then_writes_the_rest(pair):
    server, client = pair
    memory, disk = ResponseBudget(256 * 1024), ResponseBudget(MIB)
    answer = HandedAnswer(server, memory, seconds=5, disk=disk)
    pieces = [os.urandom(200 * 1024) for _ in range(20)]
    reader = reader_once(answer, client, 20 * 200 * 1024)
    for piece in pieces:
        answer.sendall(piece)
    assert answer.by_thread and not answer.pending
    assert reader.join() == b"".join(pieces)
    assert (memory.left, disk.left) == (256 * 1024, MIB)


def test_when_no_temporary_file_can_be_written_the_thread_writes_the_rest(pair, monkeypatch, tmp_path):
    server, client = pair
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "gone"))  # a directory that is not there
    memory, disk = ResponseBudget(256 * 1024), ResponseBudget(16 * MIB)
    answer = HandedAnswer(server, memory, seconds=5, disk=disk)
    pieces = [os.urandom(200 * 1024) for _ in range(10)]
    reader = reader_once(answer, client, 10 * 200 * 1024)
    for piece in pieces:
        answer.sendall(piece)
    assert answer.by_thread and reader.join() == b"".join(pieces)
    assert (memory.left, disk.left) == (256 * 1024, 16 * MIB)


def test_a_client_that_never_reads_makes_the_thread_give_up_at_the_deadline():
    """Against a reference: the same answer with a deadline six times longer, written at the
    same moment to another client that never reads, is still waiting when this one gives up."""
    def never_read(seconds):
        server, client = socket.socketpair()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        answer = HandedAnswer(server, ResponseBudget(0), seconds=seconds)
        return Running(lambda: answer.sendall(os.urandom(4 * MIB)), expected=[TimeoutError]), (server, client)

    budgeted, sockets = never_read(0.5)
    reference, more_sockets = never_read(3.0)
    try:
        budgeted.join()
        assert isinstance(budgeted.error, TimeoutError)
        assert budgeted.seconds >= 0.5  # not before its deadline,
        assert reference.running, "the 0.5 s deadline was not kept"  # nor long after
        reference.join()
        assert isinstance(reference.error, TimeoutError)
    finally:
        for sock in (*sockets, *more_sockets):
            sock.close()


def test_a_kept_answer_has_the_same_deadline_in_the_loop_and_gives_its_budget_back(pair):
    server, _ = pair
    budget = ResponseBudget(8 * MIB)
    answer = HandedAnswer(server, budget, seconds=0.5)
    answer.sendall(os.urandom(2 * MIB))
    assert answer.pending
    assert answer.deadline() - time.monotonic() <= 2 * MIB / MIB + 0.1  # 1 MiB/s past 0.5 s
    answer.discard()
    assert budget.left == 8 * MIB


def test_a_file_is_sent_from_its_descriptor_after_the_app_has_closed_it(pair, tmp_path):
    server, client = pair
    content = os.urandom(3 * MIB)
    path = tmp_path / "big.bin"
    path.write_bytes(content)
    budget = ResponseBudget(0)  # no memory at all: a file needs none
    answer = HandedAnswer(server, budget, seconds=5)
    answer.sendall(b"head")
    with open(path, "rb") as file:
        answer.sendfile(file, 1024, len(content) - 1024)
    assert answer.pending and not answer.by_thread and answer.kept_bytes == 0
    received = []
    reader = threading.Thread(target=lambda: received.append(read_exactly(client, 4 + len(content) - 1024)))
    reader.start()
    drain_from_the_loop(answer, server)
    reader.join(10)
    assert received == [b"head" + content[1024:]]


# -- through the Procfile's gunicorn ----------------------------------------------------------

@pytest.fixture(scope="module")
def big_page(web):
    """A snippet whose page is about 2 MB: more than the kernel takes for a client that reads
    nothing."""
    with httpx.Client(base_url=web.url, timeout=60) as http:
        created = http.post("/api/snippets", data={"content": operator_lines(1000), "lexer": "python"})
        assert created.status_code == 201, created.text
        path = httpx.URL(created.json()["url"]).path
        page = wait_until(lambda: len(content := http.get(path).content) > MIB and content,
                          "the big page highlighted")
    return path, page


TIME_WORDS = re.compile(rb"(<time [^>]*>)[^<]*(</time>)")


def same_page(body, page):
    """The same page but for its times in words (``<time>3 minutes ago</time>``), which move on
    while a module of slow readers runs."""
    return len(body) > MIB and TIME_WORDS.sub(rb"\1\2", body) == TIME_WORDS.sub(rb"\1\2", page)


def slow_client(port):
    """A connection that reads slowly: a small receive window, and nothing read until asked."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.settimeout(20)
    return sock, sock.makefile("rb")


def read_answer(stream):
    """The next HTTP/1.1 answer (with a Content-Length) from ``stream``
    (``sock.makefile("rb")``, one per connection): (head, body)."""
    lines = [stream.readline()]
    while lines[-1] != b"\r\n":
        lines.append(stream.readline())
    length = int(next(line.split(b":", 1)[1] for line in lines if line.lower().startswith(b"content-length:")))
    body = stream.read(length)
    assert len(body) == length, f"the connection ended after {len(body)} of {length} bytes"
    return b"".join(lines), body


def test_a_kept_answer_arrives_whole_and_the_connection_stays_alive(web, big_page):
    path, page = big_page
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{web.port}\r\n\r\n".encode()  # as the fixture asked: the page names its origin
    sock, stream = slow_client(web.port)
    with sock, stream:
        sock.sendall(request)
        # A slow reader is the thing under test: it reads nothing for a while, so the event
        # loop must hold what the kernel does not take (there is no sign of that to wait for).
        time.sleep(1)
        head, body = read_answer(stream)
        assert head.startswith(b"HTTP/1.1 200") and same_page(body, page)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        head, body = read_answer(stream)
        assert head.startswith(b"HTTP/1.1 200") and b'"ok"' in body


def test_pipelined_requests_behind_a_kept_answer_are_answered_in_order(web, big_page):
    path, page = big_page
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{web.port}\r\n\r\n".encode()  # as the fixture asked: the page names its origin
    sock, stream = slow_client(web.port)
    with sock, stream:
        sock.sendall(request + b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + request)
        time.sleep(1)  # the slow reader, as above
        answers = [read_answer(stream) for _ in range(3)]
    assert [same_page(body, page) for _, body in answers] == [True, False, True]
    assert b'"ok"' in answers[1][1]


def test_a_static_file_reaches_a_slow_reader_whole(web):
    with httpx.Client(base_url=web.url, timeout=10) as http:
        expected = http.get("/static/admin/js/vendor/jquery/jquery.js")
    assert expected.status_code == 200 and len(expected.content) > 200_000
    sock, stream = slow_client(web.port)
    with sock, stream:
        sock.sendall(b"GET /static/admin/js/vendor/jquery/jquery.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        time.sleep(1)  # the slow reader, as above
        head, body = read_answer(stream)
    assert head.startswith(b"HTTP/1.1 200") and body == expected.content


def test_a_connection_sends_without_waiting_for_acks():
    """TCP_NODELAY on every client connection the worker reads (enqueue_req): an answer's last
    small segment is not held until the client acknowledges the one before (up to 40 ms)."""
    from composite import worker

    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.create_connection(listener.getsockname()) as client:
            server, _ = listener.accept()
            with server:
                assert server.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
                worker.send_without_delay(server)
                assert server.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    left, right = socket.socketpair()  # not TCP: left alone, no error
    with left, right:
        worker.send_without_delay(left)
    assert "send_without_delay(conn.sock)" in inspect.getsource(worker.BufferingThreadWorker.enqueue_req)  # wired where it is read
