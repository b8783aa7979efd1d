"""MLLP framing: <VT> message <FS><CR>, read with a size bound and a read timeout.

Reads poll in short steps so a stop request (SIGTERM) is seen within a fraction of a second
by a connection that is waiting for its next message, while a message already arriving is
read to its end (or to the read timeout).
"""

from __future__ import annotations

import socket
import threading
import time

START = b"\x0b"
END = b"\x1c\x0d"
POLL_SECONDS = 0.2
CHUNK = 65536


class FrameTooLarge(Exception):
    """More bytes than the bound before the end of the frame; `head` is its start (for the
    control ID of the ACK)."""

    def __init__(self, head: bytes):
        super().__init__("frame too large")
        self.head = head


class Closed(Exception):
    """The peer closed, the read timed out, or the listener is stopping: end the connection."""


def frame(data: bytes) -> bytes:
    """One message wrapped for MLLP."""
    return START + data + END


class FrameReader:
    """Reads frames from one connection; bytes outside a frame are dropped."""

    def __init__(self, sock: socket.socket, *, max_bytes: int, timeout: float,
                 stopping: threading.Event):  # fmt: skip
        self.sock = sock
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.stopping = stopping
        self.buffer = b""
        sock.settimeout(POLL_SECONDS)

    def next(self) -> bytes:
        """The next message (without its framing bytes); Closed when there is none to read."""
        deadline = time.monotonic() + self.timeout
        drained = False
        while True:
            start = self.buffer.find(START)
            if start < 0:
                self.buffer = b""
            else:
                self.buffer = self.buffer[start:]
                end = self.buffer.find(END)
                if end >= 0:
                    message, self.buffer = self.buffer[1:end], self.buffer[end + len(END) :]
                    return message
                if len(self.buffer) - 1 > self.max_bytes:
                    raise FrameTooLarge(self.buffer[1:4096])
            in_frame = self.buffer.startswith(START)
            if self.stopping.is_set() and not in_frame:
                if drained:  # a message already sent to us is still handled and answered
                    raise Closed("stopping")
                drained = True
            if time.monotonic() > deadline:
                raise Closed("read timeout")
            self._receive()

    def _receive(self) -> None:
        try:
            chunk = self.sock.recv(CHUNK)
        except TimeoutError:
            return
        except OSError as exc:
            raise Closed(str(exc)) from None
        if not chunk:
            raise Closed("peer closed")
        self.buffer += chunk
