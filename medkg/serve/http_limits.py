"""uvicorn's HTTP/1.1 protocol (h11) with the limits a server on localhost needs against any web
page or local process: the size of a request's head, and the time it may take to arrive.

uvicorn times out a connection only while it is idle after an answer, and any byte cancels that
timer: 1,000 sockets that sent nothing, or a byte every few seconds, held every connection slot
for ever (then 503 for everyone), and a 100 KB header was read. Here:

- the request line is at most MAX_LINE bytes (414): a GET carries its query in the URL;
- the header fields together at most MAX_FIELDS bytes (431);
- a head must arrive whole within `head_time` seconds of the connection's start, or of the end
  of the answer before it on a kept-alive connection (408, then the connection closes; one that
  sent nothing at all is closed without a word);
- an idle kept-alive connection closes after KEEP_ALIVE seconds (uvicorn's own timer);
- when every connection slot is taken, a new connection closes the oldest one still waiting for
  a head: 1,000 sockets that sent nothing made every request 503 until they were timed out.
The body's time is bounded where it is read (medkg/serve/gateway.py).
"""

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

# A GET carries its query (at most 20,000 characters, up to three bytes each percent-encoded) in its URL.
MAX_LINE = 3 * 20_000 + 4096
MAX_FIELDS = 16 << 10  # browsers send 1 to 2 KB; 16 KiB as nginx's large_client_header_buffers
HEAD_TIME = 10  # seconds for a whole request head
KEEP_ALIVE = 5  # seconds an idle kept-alive connection stays open (uvicorn's default)
MAX_HEAD = MAX_LINE + MAX_FIELDS + 4  # what h11 holds; past it h11 would refuse, after these checks


def _refusal(status: int, reason: str, text: str) -> bytes:
    body = (text + "\n").encode("utf-8")
    return (f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
            f"content-length: {len(body)}\r\n\r\n").encode("ascii") + body


def protocol(head_time: float = HEAD_TIME) -> type[H11Protocol]:
    """The protocol class for uvicorn.Config(http=...), with `head_time` seconds for a head."""

    class BoundedH11Protocol(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            self._head_timer: asyncio.TimerHandle | None = None
            self._opened = self.loop.time()
            super().connection_made(transport)
            self._arm()
            self._make_room()

        def _make_room(self) -> None:
            """Close the oldest connections waiting for a head while the slots are all taken (uvicorn
            answers 503 once they are), so that one client's idle sockets cannot lock out others."""
            if self.limit_concurrency is None or len(self.connections) < self.limit_concurrency:
                return
            waiting = sorted((c for c in self.connections if c is not self and isinstance(c, BoundedH11Protocol)
                              and c._waiting_for_a_head() and not c.transport.is_closing()), key=lambda c: c._opened)
            for other in waiting[: len(self.connections) - self.limit_concurrency + 1]:
                other._close_waiting()

        def _arm(self) -> None:
            self._disarm()
            self._head_timer = self.loop.call_later(head_time, self._head_late)

        def _disarm(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _waiting_for_a_head(self) -> bool:
            return self.conn.their_state is h11.IDLE

        def _head_late(self) -> None:
            self._head_timer = None
            if self.transport.is_closing() or not self._waiting_for_a_head():
                return
            self._close_waiting(f"the request head did not arrive whole within {head_time:g} s; send it at once")

        def _close_waiting(self, why: str = "the server closed this connection, which had not sent a whole request "
                           "head, to make room for others; send it at once") -> None:
            self._disarm()
            if self.conn.trailing_data[0]:  # part of a head came: say why it is closed
                self.transport.write(_refusal(408, "Request Timeout", why))
            self.transport.close()

        def data_received(self, data: bytes) -> None:
            if self.transport.is_closing():
                return
            if self._waiting_for_a_head():
                refusal = _head_refusal(self.conn.trailing_data[0] + data)
                if refusal:
                    self.transport.write(refusal)
                    self.transport.close()
                    return
            super().data_received(data)
            if not self._waiting_for_a_head():
                self._disarm()  # the head is whole: the body's time is the application's to bound

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()  # the next request's head, on a kept-alive connection

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return BoundedH11Protocol


def _head_refusal(received: bytes) -> bytes | None:
    """A 414 or 431 for a head (as received so far) over its limits; None when within them."""
    end = received.find(b"\r\n\r\n")
    head = received if end < 0 else received[:end]
    line, newline, fields = head.partition(b"\n")
    if len(line) > MAX_LINE:
        return _refusal(414, "URI Too Long", f"the request line is over {MAX_LINE} bytes; send a long query "
                        "in the body of a POST")
    if newline and len(fields) > MAX_FIELDS:
        return _refusal(431, "Request Header Fields Too Large", f"the request's header fields are over "
                        f"{MAX_FIELDS} bytes; send fewer or shorter headers")
    return None
