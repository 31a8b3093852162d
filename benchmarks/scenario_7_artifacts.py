"""Scenario 7: a large artifact up and down, time and the client's peak memory growth.

Each client runs in its own process (``benchmarks._artifact_child``), so one client's memory
never counts against another's; every round uploads into a new run and downloads into a new
folder, and the copy that came back is compared with the original (outside the timing).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.context import SDK_TRANSPORTS, Context
from benchmarks.ids import experiment_id, run_id
from benchmarks.report import MLFLOW
from benchmarks.results import ScenarioResult
from benchmarks.servers import stock_server
from benchmarks.targets import Kind, Target
from benchmarks.timing import rotate
from benchmarks.venvs import ROOT
from mlflow_rest_sdk import MlflowClient

KEY = "7-artifacts"
TITLE = "artifact round trip of one large file (stock server, proxied artifacts)"
ROUND_TRIP = "round trip"
GROWTH = "peak RSS growth"
CONTENDERS = [f"sdk {t}" for t in SDK_TRANSPORTS] + [MLFLOW]
CHUNK = 1024 * 1024

TARGETS = [
    target
    for t in SDK_TRANSPORTS
    for target in (
        Target(KEY, ROUND_TRIP, f"sdk {t}", Kind.AT_MOST_RATIO, 1.0, (MLFLOW,), "no slower"),
        Target(KEY, GROWTH, f"sdk {t}", Kind.BELOW, 64.0, (), "< 64 MiB"),
    )
]


def _make_file(path: Path, mib: int) -> str:
    """A file of ``mib`` MiB of incompressible bytes; returns its sha256."""
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for _ in range(mib):
            chunk = os.urandom(CHUNK)
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _child(
    name: str, uri: str, run_id: str, file: Path, dst: Path, profile: Path | None
) -> dict[str, float]:
    command = [
        sys.executable,
        "-m",
        "benchmarks._artifact_child",
        "--client",
        name,
        "--uri",
        uri,
        "--run-id",
        run_id,
        "--file",
        str(file),
        "--dst",
        str(dst),
    ]
    if profile is not None:
        command += ["--profile", str(profile)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    data: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


def run(ctx: Context) -> ScenarioResult:
    result = ScenarioResult(KEY, TITLE)
    scratch = ctx.scratch("artifacts")
    mib = ctx.sizes.artifact_mib
    source = scratch / f"blob-{mib}mib.bin"
    expected = _make_file(source, mib)
    times: dict[str, list[float]] = {}
    uploads: dict[str, list[float]] = {}
    downloads: dict[str, list[float]] = {}
    growth: dict[str, list[float]] = {}
    intact: dict[str, bool] = dict.fromkeys(CONTENDERS, True)
    with stock_server(ctx.scratch("artifacts-server")) as server, MlflowClient(server.url) as setup:
        experiment = experiment_id(setup.create_experiment(name="bench-artifacts"))
        for round_index in range(ctx.sizes.artifact_rounds):
            for name in rotate(list(CONTENDERS), round_index):
                new_run = run_id(setup.create_run(experiment_id=experiment, run_name=name))
                dst = scratch / "download"
                shutil.rmtree(dst, ignore_errors=True)
                profile = None
                if ctx.profile_dir is not None:
                    profile = ctx.profile_dir / f"artifacts_{name.replace(' ', '_')}_{round_index}"
                data = _child(name, server.url, new_run, source, dst, profile)
                intact[name] = intact[name] and _sha256(dst / source.name) == expected
                uploads.setdefault(name, []).append(data["upload_s"])
                downloads.setdefault(name, []).append(data["download_s"])
                times.setdefault(name, []).append(data["upload_s"] + data["download_s"])
                growth.setdefault(name, []).append(data["hwm_after"] - data["hwm_before"])
                shutil.rmtree(dst, ignore_errors=True)
                shutil.rmtree(
                    ctx.work_dir / "artifacts-server" / "artifacts", ignore_errors=True
                )  # keep the disk from filling up: each round's copy is no longer needed
    for name in CONTENDERS:
        result.add(
            ROUND_TRIP, name, "s", times[name], upload_s=uploads[name], download_s=downloads[name]
        )
    for name in CONTENDERS:
        result.add(GROWTH, name, "MiB", growth[name])
    for name in CONTENDERS:
        result.add("upload", name, "s", uploads[name])
        result.add("download", name, "s", downloads[name])
    result.facts["downloaded copy identical (sha256)"] = ", ".join(
        f"{name} {'yes' if ok else 'NO'}" for name, ok in intact.items()
    )
    result.notes.append(
        f"One {mib} MiB file of random bytes, {ctx.sizes.artifact_rounds} round(s); each client "
        "in its own process; growth = VmHWM after the round trip minus VmHWM before it (after "
        "imports, client creation and one call). Server stores artifacts in a local folder, so "
        "the SDK's multipart attempt gets 501 and it streams one PUT."
    )
    return result
