"""A loopback webhook receiver that verifies each delivery with the SDK, as a service would.

It answers like the receiver ``docs/webhooks.md`` describes: 200 for an accepted delivery and
for a duplicate (so MLflow does not retry it), 400 for an authentic but malformed body, 401 for
everything else. Each request is recorded with its raw headers and body and with the verdict,
so a test can check both what MLflow sent and what ``verify`` made of it, and re-post a captured
delivery to play an attacker.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from mlflow_rest_sdk.webhooks import (
    DeliveryFilter,
    DuplicateDeliveryError,
    Event,
    Reason,
    WebhookVerificationError,
    verify,
)


@dataclass(frozen=True)
class Received:
    """One request: what arrived and what ``verify`` said about it."""

    headers: dict[str, str]
    body: bytes
    status: int
    event: Event | None
    error: WebhookVerificationError | None


class Receiver:
    """Records and verifies POSTs; ``secret`` may be changed between deliveries."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.deliveries = DeliveryFilter()
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self.url = ""
        #: Answer this many accepted deliveries with 503 (releasing their ids), as a service
        #: whose handler failed would, to see MLflow's retry.
        self.fail_next = 0

    def handle(self, headers: Any, body: bytes) -> int:
        event: Event | None = None
        error: WebhookVerificationError | None = None
        try:
            event = verify(self.secret, headers, body, deliveries=self.deliveries)
            status = 200
            with self._lock:
                if self.fail_next > 0:
                    self.fail_next -= 1
                    self.deliveries.release(event.delivery_id)
                    status = 503
        except DuplicateDeliveryError as duplicate:
            error, status = duplicate, 200
        except WebhookVerificationError as refused:
            error = refused
            status = 400 if refused.reason is Reason.MALFORMED_PAYLOAD else 401
        with self._lock:
            self._received.append(Received(dict(headers.items()), body, status, event, error))
        return status

    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def events(self) -> list[Event]:
        return [item.event for item in self.received() if item.event is not None]

    def wait_for(
        self, matches: Callable[[Received], bool], *, timeout: float = 30.0
    ) -> list[Received]:
        """The requests that ``matches``, once there is at least one; MLflow delivers real events
        from a thread pool after answering, so they arrive some time after the call returns."""
        deadline = time.monotonic() + timeout
        while True:
            found = [item for item in self.received() if matches(item)]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


@contextmanager
def running_receiver(secret: str) -> Iterator[Receiver]:
    receiver = Receiver(secret)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = receiver.handle(self.headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_port}/mlflow-events"
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="webhook-receiver",
        daemon=True,
    )
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
