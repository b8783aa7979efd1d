"""The MLLP server: a loopback (or allowed-peer) TCP socket, a bounded number of connections,
one message handled at a time, and a clean stop on SIGTERM after the message in hand.

Connections beyond the bound, and peers not allowed, are closed at once without reading.
Nothing logged carries patient data: the peer's address, the control ID, AA/AE and the
fields named in problems.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from esi_docs.listener.ack import ack, safe_text
from esi_docs.listener.framing import Closed, FrameReader, FrameTooLarge, frame
from esi_docs.listener.handler import ListenSettings, Outcome, handle

Log = Callable[[str], None]


@dataclass(frozen=True)
class ServerLimits:
    """The listener's bounds."""

    max_bytes: int = 1_000_000
    timeout: float = 60.0
    max_connections: int = 4


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _normal(address: str) -> str:
    """An address as ipaddress writes it, IPv4-mapped IPv6 unwrapped."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return str(ip)


class Listener:
    """Serve until `stop()` (the SIGTERM handler calls it)."""

    def __init__(
        self,
        host: str,
        port: int,
        settings: ListenSettings,
        *,
        allowed_peers: tuple[str, ...] = (),
        limits: ServerLimits | None = None,
        log: Log = print,
    ):
        self.settings = settings
        self.limits = limits or ServerLimits()
        self.allowed = {_normal(p) for p in allowed_peers}
        self.log = log
        self.stopping = threading.Event()
        self.slots = threading.BoundedSemaphore(self.limits.max_connections)
        self.one_at_a_time = threading.Lock()  # rendering and the audit: one message at a time
        self.threads: list[threading.Thread] = []
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]

    def stop(self) -> None:
        self.stopping.set()

    def serve(self) -> None:
        """Accept until stopped; then wait for every connection to finish its message."""
        try:
            while not self.stopping.is_set():
                try:
                    conn, address = self.sock.accept()
                except TimeoutError:
                    continue
                except OSError:
                    if self.stopping.is_set():
                        break
                    raise
                self._admit(conn, address[0])
        finally:
            self.sock.close()
            for thread in self.threads:
                thread.join()

    def _allowed(self, peer: str) -> bool:
        """Exactly the --allowed-peer addresses when given, else this machine only."""
        if self.allowed:
            return peer in self.allowed
        return is_loopback(peer)

    def _admit(self, conn: socket.socket, address: str) -> None:
        peer = _normal(address)
        if not self._allowed(peer):
            self.log(f"refused {peer}: not an --allowed-peer")
            conn.close()
            return
        if not self.slots.acquire(blocking=False):
            self.log(f"refused {peer}: {self.limits.max_connections} connections already open")
            conn.close()
            return
        self.threads = [t for t in self.threads if t.is_alive()]
        thread = threading.Thread(target=self._serve_connection, args=(conn, peer), daemon=True)
        self.threads.append(thread)
        thread.start()

    def _serve_connection(self, conn: socket.socket, peer: str) -> None:
        reader = FrameReader(
            conn,
            max_bytes=self.limits.max_bytes,
            timeout=self.limits.timeout,
            stopping=self.stopping,
        )
        try:
            while True:
                try:
                    data = reader.next()
                except FrameTooLarge as exc:
                    self._too_large(conn, peer, exc.head)
                    return
                with self.one_at_a_time:
                    outcome = self._handle(data, peer)
                self._answer(conn, peer, outcome)
        except (Closed, OSError):
            return
        finally:
            conn.close()
            self.slots.release()

    def _handle(self, data: bytes, peer: str) -> Outcome:
        """handle(), with a bug answered AE by its type alone (it may quote patient data)."""
        try:
            return handle(data, peer, self.settings)
        except Exception as exc:
            from esi_docs.errors import Problem
            from esi_docs.listener.ack import control_id_of

            text = f"internal error ({type(exc).__name__}); see the listener's log"
            self.log(f"{peer}: internal error ({type(exc).__name__})")
            return Outcome(control_id_of(data), "S12", (Problem(text=text),))

    def _answer(self, conn: socket.socket, peer: str, outcome: Outcome) -> None:
        reply = ack(
            outcome.control_id,
            outcome.trigger or "S12",
            outcome.problems,
            receiving=outcome.receiving,
            clinic=self.settings.clinic.name,
        )
        status = "AE" if outcome.problems else "AA"
        fields = ", ".join(safe_text(p).split(":")[0] for p in outcome.problems)
        named = f" ({fields})" if fields else ""
        self.log(f"{peer} {outcome.control_id or '-'}: {status}{named}")  # logged, then sent
        conn.sendall(frame(reply))

    def _too_large(self, conn: socket.socket, peer: str, head: bytes) -> None:
        from esi_docs.errors import Problem
        from esi_docs.listener.ack import control_id_of

        text = f"the message is over the limit of {self.limits.max_bytes:,} bytes"
        outcome = Outcome(control_id_of(head), "S12", (Problem(field="MSH", text=text),))
        self._answer(conn, peer, outcome)
