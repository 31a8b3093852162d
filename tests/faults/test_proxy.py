"""The fault proxy itself, against a tiny recording upstream: each fault does what it says."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from .proxy import (
    CyclingFaults,
    Fault,
    FaultProxy,
    FirstMatch,
    RandomFaults,
    ScriptedFaults,
)

#: Short enough to keep the file fast, long enough to tell apart from loopback latency.
DELAY_S = 0.3
STALL_S = 1.0
CLIENT_READ_TIMEOUT_S = 0.3


class RecordingUpstream(ThreadingHTTPServer):
    """Answers every request and records the ones it received in full (method, path, host, body)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[tuple[str, str, str, bytes]] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # resets are what these tests inject; the handler's traceback is noise

    def wait_quiet(self) -> list[tuple[str, str, str, bytes]]:
        """What was received, after giving in-flight requests a moment to land."""
        time.sleep(0.2)
        with self.lock:
            return list(self.received)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: RecordingUpstream

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if len(body) < length:  # the client went away mid-request: nothing to act on
            self.close_connection = True
            return
        with self.server.lock:
            self.server.received.append((self.command, self.path, self.headers["Host"], body))
        if self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b'{"parts": ', b'"two"}'):
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            return
        answer = json.dumps({"path": self.path, "body": body.decode()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = _handle
    do_POST = _handle


@pytest.fixture(scope="module")
def upstream() -> Iterator[RecordingUpstream]:
    server = RecordingUpstream()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def proxy(upstream: RecordingUpstream) -> Iterator[FaultProxy]:
    with upstream.lock:
        upstream.received.clear()
    with FaultProxy(upstream.url, delay_s=DELAY_S, retry_after_s=7, stall_s=STALL_S) as running:
        yield running


@pytest.fixture
def client(proxy: FaultProxy) -> Iterator[httpx.Client]:
    timeout = httpx.Timeout(5.0, read=CLIENT_READ_TIMEOUT_S + STALL_S + DELAY_S)
    with httpx.Client(base_url=proxy.url, timeout=timeout) as http:
        yield http


def _script(proxy: FaultProxy, *faults: Fault) -> None:
    proxy.set_plan(ScriptedFaults(faults))


def test_forwards_a_request_with_the_host_header_rewritten_to_the_upstream(
    proxy: FaultProxy, client: httpx.Client, upstream: RecordingUpstream
) -> None:
    response = client.post("/api/thing?x=1", content=b'{"a": 1}')

    assert response.status_code == 200
    assert response.json() == {"path": "/api/thing?x=1", "body": '{"a": 1}'}
    host = upstream.url.removeprefix("http://")
    assert upstream.wait_quiet() == [("POST", "/api/thing?x=1", host, b'{"a": 1}')]


def test_relays_a_chunked_response(proxy: FaultProxy, client: httpx.Client) -> None:
    response = client.get("/chunked")

    assert response.json() == {"parts": "two"}


def test_serves_several_requests_on_one_keep_alive_connection(proxy: FaultProxy) -> None:
    host, port = proxy.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        stream = sock.makefile("rb")
        for number in range(3):
            sock.sendall(f"GET /n{number} HTTP/1.1\r\nHost: proxy\r\n\r\n".encode())
            status = stream.readline()
            length = 0
            while (line := stream.readline()) != b"\r\n":
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            assert status.startswith(b"HTTP/1.1 200")
            assert json.loads(stream.read(length))["path"] == f"/n{number}"


def test_too_many_requests_answers_429_with_retry_after_without_forwarding(
    proxy: FaultProxy, client: httpx.Client, upstream: RecordingUpstream
) -> None:
    _script(proxy, Fault.TOO_MANY_REQUESTS)

    response = client.post("/api/create", content=b"{}")

    assert (response.status_code, response.headers["Retry-After"]) == (429, "7")
    assert upstream.wait_quiet() == []


@pytest.mark.parametrize(
    ("fault", "status"), [(Fault.SERVICE_UNAVAILABLE, 503), (Fault.BAD_GATEWAY, 502)]
)
def test_gateway_errors_are_answered_without_forwarding(
    proxy: FaultProxy,
    client: httpx.Client,
    upstream: RecordingUpstream,
    fault: Fault,
    status: int,
) -> None:
    _script(proxy, fault)

    response = client.post("/api/create", content=b"{}")

    assert response.status_code == status
    assert upstream.wait_quiet() == []


def test_an_answered_fault_keeps_the_connection_usable(
    proxy: FaultProxy, client: httpx.Client
) -> None:
    _script(proxy, Fault.SERVICE_UNAVAILABLE)

    statuses = [client.get("/again").status_code for _ in range(2)]

    assert statuses == [503, 200]


@pytest.mark.parametrize("fault", [Fault.REFUSE, Fault.RESET])
def test_refuse_and_reset_break_the_connection_before_the_upstream_gets_the_request(
    proxy: FaultProxy, client: httpx.Client, upstream: RecordingUpstream, fault: Fault
) -> None:
    _script(proxy, fault)

    with pytest.raises(httpx.TransportError):
        client.post("/api/create", content=b'{"name": "x"}')

    assert upstream.wait_quiet() == []


def test_drop_response_forwards_the_request_but_the_client_gets_no_answer(
    proxy: FaultProxy, client: httpx.Client, upstream: RecordingUpstream
) -> None:
    _script(proxy, Fault.DROP_RESPONSE)

    with pytest.raises(httpx.TransportError):
        client.post("/api/create", content=b'{"name": "ghost"}')

    assert [body for *_, body in upstream.wait_quiet()] == [b'{"name": "ghost"}']


def test_deliver_late_forwards_the_request_after_the_next_one_to_its_path_was_answered(
    proxy: FaultProxy, client: httpx.Client, upstream: RecordingUpstream
) -> None:
    proxy.set_plan(ScriptedFaults([Fault.DELIVER_LATE], path_prefixes=("/api/create",)))

    with pytest.raises(httpx.TransportError):
        client.post("/api/create", content=b'{"attempt": 1}')
    client.post("/api/other", content=b"{}")  # another path does not release it
    held = [body for *_, body in upstream.wait_quiet()]
    response = client.post("/api/create", content=b'{"attempt": 2}')

    assert held == [b"{}"]
    assert response.json()["body"] == '{"attempt": 2}'  # the client hears from its own request
    # When the second answer reached the client, the first attempt had reached the server, after it.
    with upstream.lock:
        received = [body for *_, body in upstream.received]
    assert received == [
        b"{}",
        b'{"attempt": 2}',
        b'{"attempt": 1}',
    ]
    assert [event.path for event in proxy.delivered_late()] == ["/api/create"]


def test_stall_response_outlasts_the_client_read_timeout_after_forwarding(
    proxy: FaultProxy, upstream: RecordingUpstream
) -> None:
    _script(proxy, Fault.STALL_RESPONSE)

    with (
        httpx.Client(base_url=proxy.url, timeout=httpx.Timeout(5.0, read=0.3)) as impatient,
        pytest.raises(httpx.ReadTimeout),
    ):
        impatient.post("/api/create", content=b"{}")

    assert len(upstream.wait_quiet()) == 1


def test_delay_forwards_the_request_late(
    proxy: FaultProxy, client: httpx.Client, upstream: RecordingUpstream
) -> None:
    _script(proxy, Fault.DELAY)
    started = time.monotonic()

    response = client.get("/late")

    assert response.status_code == 200
    assert time.monotonic() - started >= DELAY_S
    assert len(upstream.wait_quiet()) == 1


def test_counts_and_events_record_each_decision(proxy: FaultProxy, client: httpx.Client) -> None:
    _script(proxy, Fault.SERVICE_UNAVAILABLE, Fault.TOO_MANY_REQUESTS)

    for path in ("/a", "/b", "/c"):
        client.get(path)

    assert proxy.counts() == Counter(
        {Fault.SERVICE_UNAVAILABLE: 1, Fault.TOO_MANY_REQUESTS: 1, Fault.PASS: 1}
    )
    assert [(event.fault, event.path) for event in proxy.events()] == [
        (Fault.SERVICE_UNAVAILABLE, "/a"),
        (Fault.TOO_MANY_REQUESTS, "/b"),
        (Fault.PASS, "/c"),
    ]


def test_random_faults_hit_each_fault_near_its_share() -> None:
    plan = RandomFaults({Fault.DROP_RESPONSE: 0.1, Fault.SERVICE_UNAVAILABLE: 0.05}, seed=3)

    counts = Counter(plan.decide("POST", "/api/x") for _ in range(20_000))

    assert 1800 <= counts[Fault.DROP_RESPONSE] <= 2200
    assert 850 <= counts[Fault.SERVICE_UNAVAILABLE] <= 1150
    assert set(counts) == {Fault.PASS, Fault.DROP_RESPONSE, Fault.SERVICE_UNAVAILABLE}


def test_random_faults_repeat_for_the_same_seed() -> None:
    def draws(seed: int) -> list[Fault]:
        plan = RandomFaults({Fault.REFUSE: 0.3, Fault.DELAY: 0.3}, seed=seed)
        return [plan.decide("GET", "/") for _ in range(200)]

    assert draws(11) == draws(11)
    assert draws(11) != draws(12)


def test_random_faults_spare_requests_outside_the_matching_methods_and_paths() -> None:
    plan = RandomFaults(
        {Fault.REFUSE: 1.0}, methods=frozenset({"POST"}), path_prefixes=("/api/2.0/mlflow/runs/",)
    )

    assert plan.decide("POST", "/api/2.0/mlflow/runs/create") is Fault.REFUSE
    assert plan.decide("GET", "/api/2.0/mlflow/runs/get") is Fault.PASS
    assert plan.decide("POST", "/api/2.0/mlflow/experiments/create") is Fault.PASS


def test_random_faults_refuse_shares_adding_up_to_more_than_one() -> None:
    with pytest.raises(ValueError, match="more than 1"):
        RandomFaults({Fault.REFUSE: 0.6, Fault.RESET: 0.6})


def test_first_match_lets_the_first_matching_plan_decide() -> None:
    plan = FirstMatch(
        RandomFaults({Fault.DROP_RESPONSE: 1.0}, path_prefixes=("/api/2.0/mlflow/runs/create",)),
        RandomFaults({Fault.SERVICE_UNAVAILABLE: 1.0}, methods=frozenset({"POST"})),
    )

    assert plan.decide("POST", "/api/2.0/mlflow/runs/create") is Fault.DROP_RESPONSE
    assert plan.decide("POST", "/api/2.0/mlflow/runs/log-metric") is Fault.SERVICE_UNAVAILABLE
    assert plan.decide("GET", "/api/2.0/mlflow/runs/get") is Fault.PASS


def test_cycling_faults_go_round_per_path() -> None:
    plan = CyclingFaults([Fault.DROP_RESPONSE, Fault.PASS], path_prefixes=("/api/",))

    decided = [plan.decide("POST", path) for path in ("/api/a", "/api/b", "/api/a", "/api/a")]

    assert decided == [Fault.DROP_RESPONSE, Fault.DROP_RESPONSE, Fault.PASS, Fault.DROP_RESPONSE]
    assert plan.decide("POST", "/other") is Fault.PASS
