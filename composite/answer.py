"""An answer that a thread hands to the event loop, so that a slow reader holds no thread.

While a thread writes an answer, ``HandedAnswer`` stands in for the client's socket. What the
kernel takes at once is sent at once. The kernel may not take the rest: the client reads
slowly (``slowhttptest -X``), or the answer is larger than its send buffer. That rest is kept in
memory, charged to the worker's ``ResponseBudget``, and the thread is free as soon as the app
has finished. The event loop then sends the kept bytes as the client takes them (nginx does the
same with its upstreams' answers). A file (WhiteNoise, through gunicorn's ``sendfile``) is not
read into memory: the loop sends it from a duplicate of its descriptor.

Memory is bounded. If an answer's next bytes do not fit in what is left of the budget, or
would make it keep more than its share (``most_kept``: one answer streamed to a client that
keeps up only a little slower than the app does must not take the whole budget), they are
written to a temporary file instead, against a second budget for the disk, and the loop sends
them from there (nginx's ``proxy_temp_path``). Only past both budgets does the thread send what
it kept and write the rest itself (``AnswerDeadline``), as it did before: how long it waits on
the client is then bounded by time, not by a budget. The same deadline holds in both places:
an answer must be taken within ``seconds`` of its first byte, or at ``ANSWER_BYTES_PER_SECOND``
on average when it is larger than that allows. A client that does not keep to it is dropped.
"""

import logging
import os
import socket
import tempfile
import threading
import time
from collections import deque

log = logging.getLogger("gunicorn.error")

ANSWER_BYTES_PER_SECOND = 1024 * 1024  # the pace a client must take an answer at, past the deadline
FILE_PIECE_BYTES = 1024 * 1024  # the most one os.sendfile call of the event loop sends


class ResponseBudget:
    """The bytes of answers a worker may keep for its clients (one budget for memory, one for
    temporary files), shared by its threads (which take) and its event loop (which gives back
    as the bytes go out)."""

    def __init__(self, nbytes):
        self.left = nbytes
        self._lock = threading.Lock()

    def take(self, nbytes):
        with self._lock:
            if nbytes > self.left:
                return False
            self.left -= nbytes
            return True

    def give(self, nbytes):
        with self._lock:
            self.left += nbytes


class AnswerDeadline:
    """The client's socket while a thread writes to it: the answer must be taken within
    ``seconds`` of its first byte, or at ANSWER_BYTES_PER_SECOND on average when it is so
    large that this is too short. A timeout per write would not do: a client that reads just
    enough to finish each write in time would hold the thread for as long as the answer lasts."""

    def __init__(self, sock, seconds):
        self._sock, self._seconds = sock, seconds
        self._start, self._taken_bytes = None, 0

    def started(self):
        if self._start is None:
            self._start = time.monotonic()

    def taken(self, nbytes):
        self._taken_bytes += nbytes
        return nbytes

    def deadline(self):
        self.started()
        return self._start + max(self._seconds, self._taken_bytes / ANSWER_BYTES_PER_SECOND)

    def _arm(self):
        left = self.deadline() - time.monotonic()
        if left <= 0:
            raise TimeoutError("the client did not take its answer in time")
        self._sock.settimeout(left)

    def send(self, data):
        self._arm()
        return self.taken(self._sock.send(data))

    def sendall(self, data):
        with memoryview(data) as view:
            sent = 0
            while sent < len(view):
                sent += self.send(view[sent:])

    def sendfile(self, file, offset=0, count=None):
        self._arm()
        return self.taken(self._sock.sendfile(file, offset, count))

    def __getattr__(self, name):
        return getattr(self._sock, name)


class KeptBytes:
    """Bytes of an answer the kernel did not take yet (a view: the app's bytes are not copied)."""

    def __init__(self, view, budget):
        self.view = view
        self.size = len(view)  # of memory, held until it is sent or discarded
        self.budget, self.charge = budget, len(view)

    def send_to(self, sock):
        sent = sock.send(self.view)
        self.view = self.view[sent:]
        return sent

    def done(self):
        return not self.view

    def close(self):
        self.view = memoryview(b"")


class KeptFile:
    """A part of a file still to send, from our own duplicate of its descriptor (the app
    closes its file when the thread is done)."""

    size = 0  # holds no memory
    budget, charge = None, 0

    def __init__(self, file, offset, count):
        self.fd, self.offset, self.count = os.dup(file.fileno()), offset, count

    def send_to(self, sock):
        sent = os.sendfile(sock.fileno(), self.fd, self.offset, min(self.count, FILE_PIECE_BYTES))
        if sent == 0:  # the file is shorter than announced: the answer cannot be finished
            raise BrokenPipeError("the file ended before its announced length")
        self.offset += sent
        self.count -= sent
        return sent

    def done(self):
        return self.count <= 0

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class SpilledBytes(KeptFile):
    """Bytes of an answer written to a temporary file (gone from the disk when closed), charged
    to the disk budget until they are sent or discarded."""

    def __init__(self, budget):  # pylint: disable=super-init-not-called (its own file)
        self.file = tempfile.TemporaryFile(prefix="composite-answer-", buffering=0)  # noqa: SIM115 (closed when sent)
        self.fd, self.offset, self.count = self.file.fileno(), 0, 0
        self.budget, self.charge = budget, 0

    def append(self, view):
        """Write all of ``view`` after what is there (a short write is carried on, and a failed
        one leaves nothing that counts)."""
        written = 0
        while written < len(view):
            written += os.pwrite(self.fd, view[written:], self.offset + self.count + written)
        self.count += len(view)

    def close(self):
        self.fd = None
        self.file.close()


class HandedAnswer:
    """Stands in for the client's socket while a thread writes an answer (see the module's
    docstring); afterwards, the event loop sends what is kept with ``send_some``."""

    def __init__(self, sock, budget, seconds, most_kept=None, disk=None):
        self._sock = sock
        self._budget = budget
        self._most_kept = most_kept  # bytes this one answer may keep (None: the whole budget)
        self._disk = disk  # the budget for bytes written to temporary files (None: no files)
        self._direct = AnswerDeadline(sock, seconds)
        self._kept = deque()
        self.kept_bytes = 0  # of the budget, held by self._kept
        self.by_thread = False  # the thread writes the rest itself (the budget was spent)

    # -- in the thread -----------------------------------------------------------------------

    def sendall(self, data):
        self._direct.started()
        view = memoryview(data).cast("B")
        if not self.by_thread and not self._kept:
            view = view[self._send_now(view):]
        if not view:
            return
        if not self.by_thread:
            if not isinstance(data, bytes) or len(view) < len(data):
                # Copied: the caller may change its buffer after we return, and a view of the
                # rest of a large answer would keep all of it alive for what it charges.
                view = memoryview(bytes(view))
            if self._may_keep(len(view)) and self._budget.take(len(view)):
                self._kept.append(KeptBytes(view, self._budget))
                self.kept_bytes += len(view)
                return
            if self._spill(view):
                return
            self._write_by_thread()
        self._direct.sendall(view)

    def send(self, data):
        self.sendall(data)
        return len(data)

    def sendfile(self, file, offset=0, count=None):
        self._direct.started()
        if count is None:
            count = os.fstat(file.fileno()).st_size - offset
        if self.by_thread:
            return self._direct.sendfile(file, offset, count)
        if count > 0:
            try:
                self._kept.append(KeptFile(file, offset, count))
            except OSError:  # no descriptor left: the thread sends the file itself
                self._write_by_thread()
                return self._direct.sendfile(file, offset, count)
        return count

    def shutdown(self, how):
        """gunicorn cuts the connection (the app failed mid-answer): what was written goes first."""
        self._write_by_thread()
        self._sock.shutdown(how)

    def __getattr__(self, name):
        return getattr(self._sock, name)

    def _may_keep(self, nbytes):
        return self._most_kept is None or self.kept_bytes + nbytes <= self._most_kept

    def _spill(self, view):
        """Write ``view`` to this answer's temporary file (a new one if something was kept in
        memory since), if the disk budget allows."""
        if self._disk is None or not self._disk.take(len(view)):
            return False
        try:
            if not (self._kept and isinstance(self._kept[-1], SpilledBytes)):
                self._kept.append(SpilledBytes(self._disk))
            self._kept[-1].append(view)
        except OSError as error:  # no room, no descriptor left...: the thread writes instead
            self._disk.give(len(view))
            self._disk = None
            log.warning("Could not keep an answer in a temporary file (%s); the thread writes it.", error)
            return False
        self._kept[-1].charge += len(view)
        return True

    def _send_now(self, view):
        try:
            return self._direct.taken(self._sock.send(view, socket.MSG_DONTWAIT))
        except (BlockingIOError, InterruptedError):
            return 0

    def _write_by_thread(self):
        """From now on the thread writes, under the deadline: what was kept goes first."""
        if self.by_thread:
            return
        self.by_thread = True
        kept, self._kept = self._kept, deque()
        try:
            for piece in kept:
                if piece.done():
                    continue
                if isinstance(piece, KeptBytes):
                    self._direct.sendall(piece.view)
                else:
                    with os.fdopen(os.dup(piece.fd), "rb") as file:
                        self._direct.sendfile(file, piece.offset, piece.count)
        finally:
            for piece in kept:
                self._release(piece)

    # -- in the event loop ---------------------------------------------------------------------

    @property
    def pending(self):
        return bool(self._kept)

    def deadline(self):
        return self._direct.deadline()

    def send_some(self, sock):
        """Send what the client's (non-blocking) socket takes now; True when all is sent.
        Raises OSError when the client is gone."""
        while self._kept:
            piece = self._kept[0]
            if not piece.done():
                try:
                    self._direct.taken(piece.send_to(sock))
                except (BlockingIOError, InterruptedError):
                    return False
                if not piece.done():
                    return False
            self._release(self._kept.popleft())
        return True

    def discard(self):
        """The client is gone or too slow: forget what is kept."""
        while self._kept:
            self._release(self._kept.popleft())

    def _release(self, piece):
        if piece.budget is not None:
            piece.budget.give(piece.charge)
        self.kept_bytes -= piece.size
        piece.close()
