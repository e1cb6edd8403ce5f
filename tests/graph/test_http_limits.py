"""The limits a reverse proxy would give, through `repofolio serve --demo` on a real socket: idle and slow
connections are closed, oversized headers answer 431, and deeply nested variables answer 400 (the connection cap:
test_connection_cap.py)."""

import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.graph.serving import serve_demo

LIMITS = {
    "REPOFOLIO_KEEP_ALIVE_TIMEOUT": "0.5",
    "REPOFOLIO_REQUEST_HEAD_TIMEOUT": "0.5",
    "REPOFOLIO_REQUEST_BODY_TIMEOUT": "0.5",
    "REPOFOLIO_MAX_HEADERS": "20",
    "REPOFOLIO_MAX_HEADER_BYTES": "4096",
    "REPOFOLIO_MAX_VARIABLES_DEPTH": "10",
}
WAIT = 10.0  # seconds any limit of 0.5 s must have acted within, on a loaded machine


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    with serve_demo(tmp_path_factory.mktemp("limits") / "demo.db", LIMITS) as address:
        yield address


def connect(server: tuple[str, int]) -> socket.socket:
    return socket.create_connection(server, timeout=WAIT)


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection; a timeout (it never closes) fails the test."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def status_and_json(response: bytes) -> tuple[int, object]:
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(body)


def test_a_connection_that_never_sends_a_request_is_closed(server: tuple[str, int]) -> None:
    with connect(server) as sock:
        assert read_until_closed(sock) == b""


def test_a_head_sent_a_byte_at_a_time_is_answered_408_and_closed(server: tuple[str, int]) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        sock.settimeout(0.1)
        deadline = time.monotonic() + WAIT
        received = b""
        while not received and time.monotonic() < deadline:
            try:
                sock.sendall(b"a")  # keeps the connection busy: no idle timer would ever fire
                received = sock.recv(65536)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
        sock.settimeout(WAIT)
        received += read_until_closed(sock)
    status, body = status_and_json(received)
    assert status == 408
    assert body == {
        "errors": [{"message": "The request head was not received in time.", "extensions": {"code": "REQUEST_TIMEOUT"}}]
    }


def test_a_body_that_stalls_is_answered_408_json_and_closed(server: tuple[str, int]) -> None:
    with connect(server) as sock:
        sock.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n" + b'{"query": "{ vi'
        )
        status, body = status_and_json(read_until_closed(sock))
    assert status == 408
    assert body == {
        "errors": [
            {
                "message": "The request body was not received within 0.5 seconds.",
                "extensions": {"code": "REQUEST_TIMEOUT"},
            }
        ]
    }


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"X-Big": "a" * 8_000}, "The request headers exceed the limit of 4,096 bytes."),
        ({f"X-H{i}": "1" for i in range(200)}, "header fields; the limit is 20."),
    ],
    ids=["one-huge-header", "many-headers"],
)
def test_oversized_headers_are_answered_431_json(
    server: tuple[str, int], headers: dict[str, str], message: str
) -> None:
    base = f"http://{server[0]}:{server[1]}"
    response = httpx.get(f"{base}/healthz", headers=headers, timeout=WAIT)
    assert response.status_code == 431
    (error,) = response.json()["errors"]
    assert message in error["message"] and error["extensions"] == {"code": "REQUEST_HEADER_FIELDS_TOO_LARGE"}
    assert httpx.get(f"{base}/healthz", timeout=WAIT).status_code == 200  # a normal request is unaffected


def nested(depth: int) -> object:
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("depth", [11, 300])
def test_variables_nested_past_the_limit_are_answered_400_json(
    server: tuple[str, int], method: str, depth: int
) -> None:
    base = f"http://{server[0]}:{server[1]}/graphql"
    query = "{ viewer { login } }"
    variables = json.dumps({"deep": nested(depth)})
    if method == "GET":
        response = httpx.get(base, params={"query": query, "variables": variables}, timeout=WAIT)
    else:
        response = httpx.post(base, json={"query": query, "variables": json.loads(variables)}, timeout=WAIT)
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "message": "The variables nest lists and objects deeper than the limit of 10 levels.",
                "extensions": {"code": "VARIABLES_TOO_DEEP"},
            }
        ]
    }
    shallow = httpx.post(base, json={"query": query, "variables": {"deep": nested(8)}}, timeout=WAIT)
    assert shallow.status_code == 200 and "errors" not in shallow.json()
