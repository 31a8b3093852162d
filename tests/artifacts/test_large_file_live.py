"""A 200 MB file goes up and comes back with bounded client memory, on every transport."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlflow_rest_sdk import MlflowClient

from .conftest import new_run_id

SIZE = 200 * 1024 * 1024
#: Growth of the client's peak RSS allowed for the whole transfer (both directions).
MAX_GROWTH_MIB = 64
PROBE = Path(__file__).with_name("_memory_probe.py")


def make_sparse_file(path: Path, size: int) -> str:
    """A sparse file of ``size`` bytes with random blocks spread over it; returns its sha256.

    Written without ever holding more than one 64 KiB block in memory.
    """
    with path.open("wb") as handle:
        handle.truncate(size)
        for index in range(16):
            handle.seek(index * (size // 16) + 12345)
            handle.write(os.urandom(64 * 1024))
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def probe(url: str, kind: str, run_id: str, source: Path, out: Path, *mode: str) -> dict[str, Any]:
    """Run :mod:`._memory_probe` in a fresh process; its report plus ``growth_mib``."""
    done = subprocess.run(
        [sys.executable, str(PROBE), url, kind, run_id, str(source), str(out), *mode],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report: dict[str, Any] = json.loads(done.stdout)
    report["growth_mib"] = (report["after"] - report["before"]) / 1024
    return report


@pytest.mark.xdist_group("artifacts-large")
def test_a_200_mb_round_trip_keeps_client_memory_bounded(
    artifact_client: MlflowClient,
    run_id: str,
    tracking_uri: str,
    transport_kind: str,
    tmp_path: Path,
) -> None:
    source = tmp_path / "large.bin"
    expected = make_sparse_file(source, SIZE)
    try:
        report = probe(tracking_uri, transport_kind, run_id, source, tmp_path / "out")

        assert (tmp_path / "out" / "large.bin").stat().st_size == SIZE
        assert report["up"] == report["down"] == expected
        print(f"{transport_kind}: peak RSS grew {report['growth_mib']:.1f} MiB for 2 x 200 MiB")
        assert report["growth_mib"] < MAX_GROWTH_MIB
    finally:
        artifact_client.delete_artifacts(run_id, "large.bin")


@pytest.mark.xdist_group("artifacts-large")
def test_the_memory_probe_sees_a_download_held_in_memory(
    tracking_uri: str, unique_name: Callable[[str], str], tmp_path: Path
) -> None:
    """The control for the test above: a download held in memory breaks the bound those tests
    assert, so the probe can tell streaming from buffering (the exact growth varies with where
    the high-water mark stood before the transfer)."""
    source = tmp_path / "large.bin"
    expected = make_sparse_file(source, SIZE)
    with MlflowClient(tracking_uri) as client:
        run_id = new_run_id(client, unique_name("memory-control"))
        client.log_artifact(run_id, source)
        try:
            report = probe(tracking_uri, "httpx-sync", run_id, source, tmp_path / "out", "buffered")

            assert report["down"] == expected
            print(f"buffered control: peak RSS grew {report['growth_mib']:.1f} MiB")
            assert report["growth_mib"] > MAX_GROWTH_MIB
        finally:
            client.delete_artifacts(run_id, "large.bin")
