"""The cap on open connections keeps the health probes answering, through `repofolio serve --demo` on a real
socket: a server held at its cap by idle keep-alive clients closes the longest-idle one to admit a new one,
and one whose connections are all busy still answers /healthz and /readyz from a small reserve."""

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.graph.serving import serve_demo

CAP = 10
SETTINGS = {
    "REPOFOLIO_MAX_CONNECTIONS": str(CAP),
    # Long enough that no connection here closes by timing out: whatever closes one is the cap.
    "REPOFOLIO_KEEP_ALIVE_TIMEOUT": "120",
    "REPOFOLIO_REQUEST_HEAD_TIMEOUT": "120",
    "REPOFOLIO_REQUEST_BODY_TIMEOUT": "120",
}
WAIT = 10.0
BUSY_HEAD = (
    b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n"
    b"Expect: 100-continue\r\n\r\n"
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    # One server per test: connections a test leaves behind must not count against the next one's cap.
    with serve_demo(tmp_path / "demo.db", SETTINGS) as address:
        yield address


@pytest.fixture
def sockets() -> Iterator[list[socket.socket]]:
    opened: list[socket.socket] = []
    yield opened
    for sock in opened:
        sock.close()


def connect(server: tuple[str, int], sockets: list[socket.socket]) -> socket.socket:
    sock = socket.create_connection(server, timeout=WAIT)
    sockets.append(sock)
    return sock


def answered(sock: socket.socket, request: bytes) -> bytes:
    """The whole response to `request` (HTTP/1.1, keep-alive), read up to its Content-Length."""
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        data += recv(sock)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    while len(body) < length:
        body += recv(sock)
    return head + b"\r\n\r\n" + body


def recv(sock: socket.socket) -> bytes:
    chunk = sock.recv(65536)
    assert chunk, "the server closed the connection"
    return chunk


def is_open(sock: socket.socket) -> bool:
    """Whether the server still holds the connection open (nothing to read, no end of file)."""
    sock.setblocking(False)
    try:
        return bool(sock.recv(1))  # a byte would be a protocol error here; b"" is the server's close
    except BlockingIOError:
        return True
    finally:
        sock.setblocking(True)
        sock.settimeout(WAIT)


def closed_by_server(sock: socket.socket) -> bool:
    """Waits (up to WAIT) for the server to close the connection; a timeout fails the test."""
    try:
        return sock.recv(65536) == b""
    except ConnectionResetError:
        return True


def status_and_json(response: bytes) -> tuple[int, object]:
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(body)


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


QUERY = json.dumps({"query": "{ viewer { login } }"}).encode()
POST = (
    b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Content-Length: " + str(len(QUERY)).encode() + b"\r\n\r\n" + QUERY
)


def test_at_its_cap_of_idle_connections_the_server_closes_the_longest_idle_one_and_answers_healthz(
    server: tuple[str, int], sockets: list[socket.socket]
) -> None:
    """uvicorn's cap answered 503 to /healthz (and everything) until idle connections timed out."""
    idle = [connect(server, sockets) for _ in range(CAP)]
    probe = connect(server, sockets)  # one past the cap
    assert status_and_json(answered(probe, get("/healthz"))) == (200, {"status": "ok"})
    assert closed_by_server(idle[0])  # the connection idle longest made room
    assert all(is_open(sock) for sock in idle[1:])
    # The probe, idle now, has been idle for less time than the rest: the next connection closes idle[1].
    second = connect(server, sockets)
    assert status_and_json(answered(second, get("/readyz"))) == (200, {"status": "ok"})
    assert closed_by_server(idle[1])
    assert is_open(probe) and all(is_open(sock) for sock in idle[2:])


def test_with_every_connection_busy_health_probes_are_answered_and_other_requests_get_a_503_json_error(
    server: tuple[str, int], sockets: list[socket.socket]
) -> None:
    busy = [connect(server, sockets) for _ in range(CAP)]
    for sock in busy:
        # A request under way: the app has asked for its body (100 Continue), which is still coming.
        sock.sendall(BUSY_HEAD)
        assert recv(sock) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b'{"query"')
    for path in ("/healthz", "/healthz", "/readyz"):  # probe after probe, each on its own new connection
        assert status_and_json(answered(connect(server, sockets), get(path))) == (200, {"status": "ok"})
    assert status_and_json(answered(connect(server, sockets), POST)) == (
        503,
        {
            "errors": [
                {
                    "message": "The server is at its limit of open connections; try again shortly.",
                    "extensions": {"code": "SERVICE_UNAVAILABLE"},
                }
            ]
        },
    )
    assert all(is_open(sock) for sock in busy)  # no request under way was cut off
    # Once one busy request ends, idle connections make room down to the cap, and GraphQL is answered again.
    rest = b': "{ viewer { login } }"}'.ljust(100 - len(b'{"query"'))
    status, body = status_and_json(answered(busy[0], rest))
    assert status == 200 and body == {"data": {"viewer": {"login": "dana-demo-dev"}}}
    status, body = status_and_json(answered(connect(server, sockets), POST))
    assert status == 200 and body == {"data": {"viewer": {"login": "dana-demo-dev"}}}
    assert all(is_open(sock) for sock in busy[1:])
