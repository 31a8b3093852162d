"""A minimal HTTP/1.1 keep-alive server that answers every request at once with canned JSON.

Run as ``python -m benchmarks.instant_server``; it prints its port on the first stdout line.
It exists to measure client overhead: with nothing to wait for on the server, the time per call
is what the client spends building, sending, receiving and decoding. It sets TCP_NODELAY and
writes each response in one piece so that no Nagle/delayed-ACK stall is measured instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import sys

__all__ = ["RESPONSES", "response_for"]

_RUN_ID = "0123456789abcdef0123456789abcdef"

#: A realistic ``GetRun`` answer: a few params, metrics and tags, as a small training run has.
_RUN = {
    "run": {
        "info": {
            "run_id": _RUN_ID,
            "run_uuid": _RUN_ID,
            "run_name": "bench-run",
            "experiment_id": "1",
            "user_id": "bench",
            "status": "RUNNING",
            "start_time": 1700000000000,
            "artifact_uri": f"mlflow-artifacts:/1/{_RUN_ID}/artifacts",
            "lifecycle_stage": "active",
        },
        "data": {
            "metrics": [
                {"key": f"m{i}", "value": 0.5 + i, "timestamp": 1700000000000, "step": 3}
                for i in range(5)
            ],
            "params": [{"key": f"p{i}", "value": str(i)} for i in range(5)],
            "tags": [{"key": f"t{i}", "value": f"v{i}"} for i in range(5)],
        },
        "inputs": {},
    }
}

#: Canned bodies by path; anything else gets ``{}`` (what MLflow answers to most writes).
RESPONSES: dict[str, bytes] = {
    "/api/2.0/mlflow/runs/get": json.dumps(_RUN).encode(),
}
_EMPTY = b"{}"


def response_for(path: str, keep_alive: bool) -> bytes:
    """The full HTTP response (status line, headers, body) for a request to ``path``."""
    body = RESPONSES.get(path.split("?", 1)[0], _EMPTY)
    connection = b"keep-alive" if keep_alive else b"close"
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\nConnection: "
        + connection
        + b"\r\n\r\n"
    )
    return head + body


class _Http(asyncio.Protocol):
    """Parses pipelined requests from a byte buffer; no framework, so it costs next to nothing."""

    def __init__(self) -> None:
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1")
            lines = head.split("\r\n")
            length = 0
            keep_alive = True
            for line in lines[1:]:
                name, _, value = line.partition(":")
                lowered = name.strip().lower()
                if lowered == "content-length":
                    length = int(value.strip())
                elif lowered == "connection" and value.strip().lower() == "close":
                    keep_alive = False
            total = end + 4 + length
            if len(self.buffer) < total:
                return
            self.buffer = self.buffer[total:]
            parts = lines[0].split(" ")
            path = parts[1] if len(parts) > 1 else "/"
            self.transport.write(response_for(path, keep_alive))
            if not keep_alive:
                self.transport.close()
                self.transport = None


async def _serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Http, "127.0.0.1", port, backlog=512)
    bound = server.sockets[0].getsockname()[1]
    print(bound, flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(port))


if __name__ == "__main__":
    main()
