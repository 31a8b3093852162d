"""What the doctor says of the server's release: no I/O, so it is table-testable on its own.

How many of the SDK's routes the release lacks (the client refuses those before sending), and
whether the client's release setting (``server_version`` / ``MLFLOW_REST_SERVER_VERSION``)
disagrees with what the server reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlflow_rest_sdk._generated import MLFLOW_VERSION
from mlflow_rest_sdk._runtime.server_release import AUTO, OFF, Release, parse_release, serves
from mlflow_rest_sdk.endpoints import ALL_ENDPOINTS


@dataclass
class ReleaseFindings:
    data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    warn: bool = False


def release_findings(version: str, setting: str) -> ReleaseFindings:
    """The findings for a server reporting ``version`` to a client configured with ``setting``."""
    found = ReleaseFindings({"server_version": version, "sdk_generated_from": MLFLOW_VERSION})
    found.warn = version.split(".")[0] != MLFLOW_VERSION.split(".")[0]
    release = parse_release(version)
    if release is not None:
        lacking = routes_lacking(release)
        if lacking:
            found.data["routes_needing_newer"] = lacking
            found.notes.append(
                f"{sum(lacking.values())} of the SDK's {len(ALL_ENDPOINTS)} routes need a newer "
                "MLflow" + (", which the client refuses before sending" if setting != OFF else "")
            )
    if setting not in (AUTO, OFF):
        found.data["client_release_setting"] = setting
        if parse_release(setting) != release:
            found.warn = True
            found.notes.append(
                f"the client is told the server runs {setting} (server_version / "
                "MLFLOW_REST_SERVER_VERSION) and checks its calls against that"
            )
    elif setting == OFF:
        found.data["client_release_setting"] = OFF
        found.notes.append(
            "release checks are off: a field newer than the server is sent and dropped without "
            "an error"
        )
    return found


def routes_lacking(release: Release) -> dict[str, int]:
    """How many of the SDK's routes ``release`` does not serve, by the release that first does."""
    counts: dict[str, int] = {}
    for endpoint in ALL_ENDPOINTS:
        if serves(endpoint, release) is False and endpoint.first_release is not None:
            counts[endpoint.first_release] = counts.get(endpoint.first_release, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: parse_release(item[0]) or release))
