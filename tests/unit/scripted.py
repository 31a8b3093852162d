"""A transport that plays a script: for what a real server cannot be made to do on demand."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mlflow_rest_sdk._runtime.transport import HttpRequest, HttpResponse

Step = HttpResponse | Exception | Callable[[HttpRequest], HttpResponse]


def reply(
    status: int = 200, body: Any = None, headers: dict[str, str] | None = None
) -> HttpResponse:
    return HttpResponse(
        status, headers or {}, json.dumps(body if body is not None else {}).encode()
    )


class ScriptedTransport:
    """Answers the n-th request with the n-th step (an answer, an exception, or a function)."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.sent: list[HttpRequest] = []

    def send(self, request: HttpRequest) -> HttpResponse:
        self.sent.append(request)
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        if isinstance(step, HttpResponse):
            return step
        return step(request)

    def close(self) -> None:
        pass

    def paths(self) -> list[str]:
        return [request.url.split("/api/", 1)[-1] for request in self.sent]
