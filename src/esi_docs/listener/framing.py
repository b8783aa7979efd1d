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

    def __init__(
        self, sock: socket.socket, *, max_bytes: int, timeout: float, stopping: threading.Event
    ):
        self.sock = sock
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.stopping = stopping
        self.buffer = bytearray()
        self.scanned = 0  # bytes of the frame already searched for its end
        sock.settimeout(POLL_SECONDS)

    def next(self) -> bytes:
        """The next message (without its framing bytes); Closed when there is none to read."""
        deadline = time.monotonic() + self.timeout
        drained = False
        while True:
            message = self._take()
            if message is not None:
                return message
            in_frame = self.buffer.startswith(START)
            if self.stopping.is_set() and not in_frame:
                if drained:  # a message already sent to us is still handled and answered
                    raise Closed("stopping")
                drained = True
            if time.monotonic() > deadline:
                raise Closed("read timeout")
            self._receive()

    def _take(self) -> bytes | None:
        """A whole frame from the buffer, if one is there. Each byte is searched once, so a
        sender dripping a byte at a time costs linear, not quadratic, time."""
        start = self.buffer.find(START)
        if start < 0:
            self.buffer.clear()
            self.scanned = 0
            return None
        if start > 0:
            del self.buffer[:start]
            self.scanned = 0
        end = self.buffer.find(END, max(self.scanned - 1, 1))
        if end >= 0:
            message = bytes(self.buffer[1:end])
            del self.buffer[: end + len(END)]
            self.scanned = 0
            return message
        self.scanned = len(self.buffer)
        if len(self.buffer) - 1 > self.max_bytes:
            raise FrameTooLarge(bytes(self.buffer[1:4096]))
        return None

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
