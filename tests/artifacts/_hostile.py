"""A hostile artifact server: a stdlib HTTP server on loopback that answers what a test tells it.

It serves just enough of MLflow's API for a download: ``runs/get`` (with any artifact URI),
the proxy listing (any entries, including path-traversal names), and file bodies that may be
cut short (a Content-Length it does not honour, or no length at all).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

ROOT = "0/hostile-run/artifacts"
LIST_ROUTE = "/api/2.0/mlflow-artifacts/artifacts"


@dataclass
class Body:
    """A file body: ``content`` is sent, ``declared`` is the Content-Length claimed (None: none,
    the body then ends when the connection closes)."""

    content: bytes
    declared: int | None = None
    #: The first ``cut_first`` answers send only 10 bytes of a full-length Content-Length.
    cut_first: int = 0


@dataclass
class Scenario:
    artifact_uri: str = f"mlflow-artifacts:/{ROOT}"
    listings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    bodies: dict[str, Body] = field(default_factory=dict)
    list_forever: bool = False
    #: The part URL ``mpu/create`` hands out (None: answer 501 like a local-folder store).
    part_url: str | None = None
    #: The first ``put_failures`` uploads are read in full, then answered 503.
    put_failures: int = 0
    uploaded: dict[str, bytes] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    server: _HostileServer

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        return

    def do_GET(self) -> None:
        scenario = self.server.scenario
        parts = urlsplit(self.path)
        scenario.requests.append(self.path)
        if parts.path == "/api/2.0/mlflow/runs/get":
            run_id = parse_qs(parts.query).get("run_id", [""])[0]
            info = {"run_id": run_id, "artifact_uri": scenario.artifact_uri}
            self._json({"run": {"info": info}})
        elif parts.path == LIST_ROUTE:
            listed = parse_qs(parts.query).get("path", [""])[0]
            if scenario.list_forever:
                self._json({"files": [{"path": "d", "is_dir": True}]})
            else:
                self._json({"files": scenario.listings.get(listed, [])})
        elif parts.path.startswith(LIST_ROUTE + "/"):
            wanted = unquote(parts.path[len(LIST_ROUTE) + 1 :])
            body = scenario.bodies.get(wanted)
            if body is None:
                self._json({"error_code": "RESOURCE_DOES_NOT_EXIST", "message": wanted}, 404)
            else:
                self._raw(body)
        else:
            self._json({"error_code": "ENDPOINT_NOT_FOUND", "message": parts.path}, 404)

    def do_POST(self) -> None:
        scenario = self.server.scenario
        scenario.requests.append(f"POST {self.path}")
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if "/mpu/create/" in self.path and scenario.part_url is not None:
            credential = {"url": scenario.part_url, "part_number": 1, "headers": {}}
            self._json({"upload_id": "u-1", "credentials": [credential]})
        elif "/mpu/abort/" in self.path:
            self._json({})
        else:
            self._json({"error_code": "NOT_IMPLEMENTED", "message": "no multipart"}, 501)

    def do_PUT(self) -> None:
        scenario = self.server.scenario
        scenario.requests.append(f"PUT {self.path}")
        content = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if scenario.put_failures > 0:
            scenario.put_failures -= 1
            self._json({"error_code": "TEMPORARILY_UNAVAILABLE", "message": "busy"}, 503)
            return
        scenario.uploaded[unquote(urlsplit(self.path).path[len(LIST_ROUTE) + 1 :])] = content
        self._json({})

    def _json(self, payload: object, status: int = 200) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _raw(self, body: Body) -> None:
        content = body.content
        if body.cut_first > 0:
            body.cut_first -= 1
            content = content[:10]
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if body.declared is not None:
            self.send_header("Content-Length", str(body.declared))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(content)
        self.wfile.flush()
        self.close_connection = True


class _HostileServer(ThreadingHTTPServer):
    daemon_threads = True
    scenario: Scenario


@contextmanager
def hostile_server(scenario: Scenario) -> Iterator[str]:
    """Serve ``scenario`` on a free loopback port; yields the base URL."""
    server = _HostileServer(("127.0.0.1", 0), _Handler)
    server.scenario = scenario
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="hostile-artifacts", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
