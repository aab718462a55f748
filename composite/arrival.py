"""The framing of one HTTP/1.1 request as its bytes arrive, in time linear in those bytes.

``composite.worker`` reads each request whole in its event loop before a thread serves it.
This module is the reading: where the head ends, how long the body is, when it is whole. Each
byte is looked at once, whatever the pieces it arrives in, so a body trickled a byte at a time
or sent as a million one-byte chunks costs what its bytes cost, not their square.

A chunked body is decoded here and handed on with a ``Content-Length`` (RFC 9112 §7.1.3, what
nginx does for its upstreams): the thread then reads a plain body from memory, and the apps see
``CONTENT_LENGTH`` (Django reads no body without it). Trailer fields are dropped.

Only framing is judged here. A head that is not plainly well formed (two lengths, both
framings, folded or bare-LF lines, a head over gunicorn's limits) is ``ODD``: it goes to
gunicorn's own strict parser at once, which refuses it.
"""

import json
import re
from dataclasses import dataclass

INCOMPLETE = "incomplete"  # more bytes are needed
WHOLE = "whole"  # the request is complete: ``request`` holds it, ``rest`` what followed it
ODD = "odd"  # not for us to judge: hand what arrived to gunicorn's parser, which refuses it
REFUSED = "refused"  # ``refusal`` holds the answer to send instead of serving the request

# RFC 9112 §7.1.1 chunk extensions (the same grammar gunicorn checks): ;name[=token|"quoted"]
_TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED = rb'"(?:[\t !#-\[\]-~\x80-\xff]|\\[\t -~\x80-\xff])*"'
CHUNK_EXTENSIONS = re.compile(
    rb"(?:[ \t]*;[ \t]*" + _TOKEN + rb"(?:[ \t]*=[ \t]*(?:" + _TOKEN + rb"|" + _QUOTED + rb"))?)*")
HEX = re.compile(rb"[0-9a-fA-F]+")
SIZE_LINE_MAX = 1024  # a chunk-size line longer than this is refused (no client sends one)


@dataclass(frozen=True)
class Limits:
    head_bytes: int  # the largest head gunicorn's limits allow
    body_bytes: int  # BUFFER_MAX_BYTES: no body larger than this is read
    chunks: int  # BUFFER_MAX_CHUNKS: no chunked body in more pieces than this is read


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str
    code: str  # the machine-readable code of the JSON error, as the apps' APIs use them
    message: str
    retry_after: int | None = None

    def response(self, json_wanted):
        """The whole HTTP response, closing the connection: JSON for APIs, else plain text."""
        if json_wanted:
            body, kind = json.dumps({"error": {"code": self.code, "message": self.message}}), "application/json"
        else:
            body, kind = self.message, "text/plain; charset=utf-8"
        body = body.encode() + b"\n"
        head = [f"HTTP/1.1 {self.status} {self.reason}", f"Content-Type: {kind}", f"Content-Length: {len(body)}"]
        if self.retry_after is not None:
            head.append(f"Retry-After: {self.retry_after}")
        head += ["Connection: close", "", ""]
        return "\r\n".join(head).encode() + body


def too_large(limit):
    return Refusal(413, "Content Too Large", "too_large",
                   f"The request body is larger than this site accepts ({limit:,} bytes at most).")


def too_many_chunks(limit):
    return Refusal(413, "Content Too Large", "too_large",
                   f"The chunked request body is cut into more than {limit:,} chunks; "
                   "send it in larger chunks, or with a Content-Length.")


def bad_chunk(what):
    return Refusal(400, "Bad Request", "bad_request", f"The chunked request body is malformed: {what}.")


UNSUPPORTED_CODING = Refusal(501, "Not Implemented", "not_implemented",
                             "Transfer-Encoding other than plain chunked is not supported; "
                             "send the body chunked or with a Content-Length.")


class Arrival:
    """One request arriving on a connection. ``feed`` its bytes; ``state`` says what it is so far.

    ``charge`` is how many bytes of the worker's buffer budget the request holds: what it has
    buffered, or, once its head declared a Content-Length, that whole length (reserved up front,
    so a request admitted is a request that fits).
    """

    def __init__(self, limits):
        self.limits = limits
        self.state = INCOMPLETE
        self.refusal = None
        self.request = None  # the bytes a thread gets, once WHOLE (or what arrived, when ODD)
        self.rest = b""  # bytes after the request (a pipelined next one)
        self.expects_continue = False  # the head asked for "100 Continue" before its body
        self.path = b""
        self.accept = b""
        self._head = bytearray()
        self._searched = 0
        self._head_examined = 0
        self._body = None  # a ContentLength or ChunkedBody once the head is in

    @property
    def started(self):
        return bool(self._head)

    @property
    def charge(self):
        if self._body is None:
            return len(self._head)
        return len(self._head) + self._body.charge

    @property
    def examined(self):
        """Bytes looked at so far: each new byte once, and at most 3 again per feed."""
        return self._head_examined + (self._body.examined if self._body is not None else 0)

    @property
    def body_started(self):
        return self._body is not None

    def feed(self, data):
        if self.state != INCOMPLETE:
            raise RuntimeError(f"fed a request that is already {self.state}")
        if self._body is None:
            data = self._feed_head(data)
            if data is None or self.state != INCOMPLETE:
                return self.state
        done = self._body.feed(data)
        if done is None:
            return self.state
        if isinstance(done, Refusal):
            return self.refuse(done)
        self.request, self.rest, self.state = bytes(self._body.request(bytes(self._head))), bytes(done), WHOLE
        return self.state

    def _feed_head(self, data):
        """Add to the head; once it ends, frame the body and return the bytes after the head."""
        self._head += data
        end = self._head.find(b"\r\n\r\n", self._searched)
        self._head_examined += (end + 4 if end >= 0 else len(self._head)) - self._searched
        if end < 0:
            self._searched = max(0, len(self._head) - 3)  # only the last 3 bytes may start the end
            if len(self._head) > self.limits.head_bytes:
                self._odd()
            return None
        after = bytes(self._head[end + 4:])
        del self._head[end + 4:]
        self._frame(bytes(self._head[:end]))
        if self.state != INCOMPLETE:
            if self.state == ODD:
                self.request += after
            return None
        return after

    def _frame(self, head):
        lines = head.split(b"\r\n")
        request_line, fields = lines[0], lines[1:]
        parts = request_line.split(b" ")
        self.path = parts[1] if len(parts) == 3 else b""
        http11 = request_line.endswith(b" HTTP/1.1")
        lengths, codings = [], []
        for line in fields:
            if b"\n" in line or b"\r" in line or line[:1] in (b" ", b"\t"):
                return self._odd()  # bare CR/LF or a folded line: gunicorn refuses it
            name, _, value = line.partition(b":")
            name, value = name.lower(), value.strip(b" \t")
            if name != name.strip(b" \t") and name.strip(b" \t") in (b"content-length", b"transfer-encoding"):
                return self._odd()  # whitespace around a framing field's name: gunicorn refuses it
            if name == b"content-length":
                lengths.append(value)
            elif name == b"transfer-encoding":
                codings += [coding.strip(b" \t").lower() for coding in value.split(b",")]
            elif name == b"expect":
                self.expects_continue = http11 and value.lower() == b"100-continue"
            elif name == b"accept":
                self.accept = value
        if not lengths and not codings:
            self._body = ContentLength(0)
        elif len(lengths) + bool(codings) > 1 or not http11 and codings:
            self._odd()  # conflicting framings, chunked HTTP/1.0: gunicorn refuses them
        elif lengths:
            if not lengths[0].isdigit():
                return self._odd()
            if len(lengths[0]) > 18 or int(lengths[0]) > self.limits.body_bytes:
                return self.refuse(too_large(self.limits.body_bytes))
            self._body = ContentLength(int(lengths[0]))
        elif codings == [b"chunked"]:
            self._body = ChunkedBody(self.limits)
        elif codings[-1] == b"chunked" and codings.count(b"chunked") == 1:
            self.refuse(UNSUPPORTED_CODING)  # gzip, chunked: gunicorn would pass it on still gzipped
        else:
            self._odd()  # not ending in chunked, or chunked twice: gunicorn refuses it

    def _odd(self):
        self.request, self.state = bytes(self._head), ODD
        return self.state

    def refuse(self, refusal):
        """Refuse the request: from within (too large, malformed) or the worker (budget, time)."""
        self.refusal, self.state = refusal, REFUSED
        return self.state

    def wants_json(self):
        """Whether a refusal should be JSON: an API path, or a client that asks for JSON."""
        return b"/api/" in self.path or b"json" in self.accept.lower()


class ContentLength:
    """A body of declared length: whole once that many bytes are in."""

    def __init__(self, length):
        self.length = length
        self.data = bytearray()
        self.examined = 0

    @property
    def charge(self):
        return self.length

    def feed(self, data):
        """None while more is needed, else the bytes after the body."""
        missing = self.length - len(self.data)
        self.examined += min(missing, len(data))
        self.data += data[:missing]
        return data[missing:] if len(self.data) == self.length else None

    def request(self, head):
        return head + self.data


class ChunkedBody:
    """A chunked body, decoded as it arrives: every byte is looked at once, whatever the pieces.

    ``feed`` returns None while more is needed, a Refusal for a body to refuse (too large, too
    many chunks, malformed), or the bytes that followed the body once it is whole. ``examined``
    counts the bytes it looked at, for the tests that prove the work is proportional to the
    bytes fed.
    """

    def __init__(self, limits):
        self.limits = limits
        self.decoded = bytearray()
        self.chunks = 0
        self.line = bytearray()  # the part of a size line, CRLF or trailer section seen so far
        self.remaining = 0  # bytes of the current chunk still to come
        self.examined = 0  # bytes looked at (new ones, and at most 3 again per feed)
        self.step = self._size  # what the next bytes are: a size line, data, CRLF or trailers
        self.whole = False

    @property
    def charge(self):
        return len(self.decoded) + len(self.line)

    def feed(self, data):
        position = 0
        while position < len(data):
            position = self.step(data, position)
            if isinstance(position, Refusal):
                return position
            if self.whole:
                return data[position:]
        return None

    def _size(self, data, position):
        newline = data.find(b"\n", position, position + SIZE_LINE_MAX + 1)
        self.examined += (newline + 1 if newline >= 0 else min(len(data), position + SIZE_LINE_MAX + 1)) - position
        if newline < 0:
            self.line += data[position:position + SIZE_LINE_MAX + 1]
            return bad_chunk("a chunk-size line does not end") if len(self.line) > SIZE_LINE_MAX else len(data)
        self.line += data[position:newline + 1]
        line, self.line = bytes(self.line), bytearray()
        if len(line) > SIZE_LINE_MAX or not line.endswith(b"\r\n"):
            return bad_chunk("a chunk-size line does not end with CRLF")
        size, semicolon, extensions = line[:-2].partition(b";")
        if semicolon:
            size = size.rstrip(b" \t")
            if not CHUNK_EXTENSIONS.fullmatch(b";" + extensions):
                return bad_chunk("a chunk extension is not valid")
        if not HEX.fullmatch(size):
            return bad_chunk(f"{size[:20].decode('latin-1')!r} is not a chunk size")
        self.remaining = int(size, 16)  # at most SIZE_LINE_MAX digits: cheap, and checked below
        if self.remaining == 0:
            self.step = self._trailers
            return newline + 1
        self.chunks += 1
        if self.chunks > self.limits.chunks:
            return too_many_chunks(self.limits.chunks)
        if len(self.decoded) + self.remaining > self.limits.body_bytes:
            return too_large(self.limits.body_bytes)
        start, end = newline + 1, newline + 1 + self.remaining
        if data[end:end + 2] == b"\r\n":  # the whole chunk is here: take it in one step
            self.decoded += data[start:end]
            self.examined += end + 2 - start
            return end + 2
        self.step = self._data
        return start

    def _data(self, data, position):
        taken = data[position:position + self.remaining]
        self.examined += len(taken)
        self.decoded += taken
        self.remaining -= len(taken)
        if self.remaining == 0:
            self.step = self._data_end
        return position + len(taken)

    def _data_end(self, data, position):
        """The CRLF after a chunk's data (it may arrive split across feeds)."""
        piece = data[position:position + 2 - len(self.line)]
        self.examined += len(piece)
        self.line += piece
        if len(self.line) == 2:
            if self.line != b"\r\n":
                return bad_chunk("a chunk is longer than its size says")
            self.line = bytearray()
            self.step = self._size
        return position + len(piece)

    def _trailers(self, data, position):
        """The trailer section (dropped): an empty line at once, or fields ending in an empty line."""
        before = len(self.line)
        piece = data[position:position + self.limits.head_bytes + 4 - before]
        self.examined += len(piece) + min(before, 3)
        self.line += piece
        if self.line[:2] == b"\r\n":
            end = 2
        else:
            found = self.line.find(b"\r\n\r\n", max(0, before - 3))
            end = found + 4 if found >= 0 else -1
        if end < 0:
            if len(self.line) > self.limits.head_bytes:
                return bad_chunk("the trailer section does not end")
            return position + len(piece)
        self.line = bytearray()
        self.whole = True
        return position + end - before

    def request(self, head):
        """The head, its Transfer-Encoding replaced by the decoded body's Content-Length, then the body."""
        lines = [line for line in head[:-4].split(b"\r\n") if line.partition(b":")[0].lower() != b"transfer-encoding"]
        lines.append(b"Content-Length: %d" % len(self.decoded))
        return b"\r\n".join(lines) + b"\r\n\r\n" + self.decoded
