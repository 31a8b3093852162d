"""``python -m codegen drift`` against a release that is not installed, read from its wheel.

MLflow 2.22.5 lacks whole proto files (webhooks.proto): that must read as absent endpoints, not
crash as ``import mlflow.protos.webhooks_pb2`` did.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from tests.history._releases import OLD_RELEASE

from codegen.__main__ import main

pytestmark = pytest.mark.xdist_group("history-wheels")


@pytest.fixture(scope="module")
def report(old_wheel: Path) -> str:
    """What a maintainer sees: the command line's output, run once for the module."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["drift", "--mlflow", OLD_RELEASE]) == 0
    return out.getvalue()


def _section(report: str, title: str) -> list[str]:
    match = re.search(rf"^{title} \(\d+\):\n((?:  .*\n?)*)", report, re.MULTILINE)
    return [line.strip() for line in match.group(1).splitlines()] if match else []


def test_drift_from_2_22_5_names_over_a_hundred_rpcs_that_3_17_2_added(report: str) -> None:
    assert report.startswith(f"from MLflow {OLD_RELEASE} (its wheel) to MLflow 3.17.2 (the spec)")
    added = _section(report, "endpoints added")
    rpcs = {re.search(r"\((\w+\.\w+),", line).group(1) for line in added}  # type: ignore[union-attr]
    assert len(rpcs) > 100
    assert "MlflowService.createLoggedModel" in rpcs
    assert "WebhookService.createWebhook" in rpcs  # a whole proto file 2.22.5 does not have
    assert any(line.startswith("POST /api/3.0/mlflow/traces ") for line in added)


def test_drift_names_fields_and_enum_values_too(report: str) -> None:
    assert "mlflow.LogMetric.model_id" in _section(report, "fields added")
    assert "mlflow.WebhookEntity.REGISTERED_MODEL" in _section(report, "enum values added")
    # Routes the old protos declared at a path 3.17.2 no longer has (moved to /api/3.0).
    removed = _section(report, "endpoints removed")
    assert any("MlflowService.getTraceInfoV3" in line for line in removed)


def test_drift_with_an_old_release_installed_reads_it_and_does_not_crash(
    old_wheel: Path, tmp_path: Path
) -> None:
    """2.22.5 put first on the path, as if installed: today's crash was an import of
    ``mlflow.protos.webhooks_pb2``; now the installed files are read, never imported."""
    with zipfile.ZipFile(old_wheel) as archive:
        archive.extractall(tmp_path)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(root)])}
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "drift"],
        capture_output=True, text=True, env=env, cwd=root, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"from MLflow {OLD_RELEASE} (installed) to MLflow 3.17.2")
    assert "WebhookService.createWebhook" in result.stdout
