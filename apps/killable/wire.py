"""Length-prefixed pickle frames over pipe file descriptors, with an optional deadline and size.

A pool and its children talk over a pair of anonymous pipes: one frame per message, a 4-byte
big-endian length then a pickle. Both ends are our own code, and only plain data crosses.
A reader may refuse a frame longer than ``max_bytes`` before reading it (``FrameTooLarge``),
so a child's oversized answer never lands in the parent's memory.
"""

import math
import os
import pickle
import select
import struct
import time

_LENGTH = struct.Struct("!I")


class FrameTooLarge(Exception):
    """The next frame is longer than the reader accepts; ``size`` says how long."""

    def __init__(self, size: int):
        super().__init__(f"frame of {size} bytes")
        self.size = size


def send(fd: int, message) -> None:
    """Write one frame; blocks until the pipe takes it (BrokenPipeError if nobody reads)."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_LENGTH.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def receive(fd: int, deadline: float | None = None, max_bytes: int | None = None):
    """Read one frame; TimeoutError once ``time.monotonic()`` passes ``deadline``,
    EOFError if the writer is gone, FrameTooLarge if longer than ``max_bytes``."""
    (size,) = _LENGTH.unpack(_read_exactly(fd, _LENGTH.size, deadline))
    if max_bytes is not None and size > max_bytes:
        raise FrameTooLarge(size)
    return pickle.loads(_read_exactly(fd, size, deadline))


def _read_exactly(fd, size, deadline):
    buffer = bytearray(size)
    view = memoryview(buffer)
    done = 0
    poller = None
    while done < size:
        if deadline is not None:
            if poller is None:
                poller = select.poll()
                poller.register(fd, select.POLLIN)
            left = deadline - time.monotonic()
            if left <= 0 or not poller.poll(math.ceil(left * 1000)):
                raise TimeoutError
        count = os.readv(fd, [view[done:]])
        if count == 0:
            raise EOFError
        done += count
    return buffer
