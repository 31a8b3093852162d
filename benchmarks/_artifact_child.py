"""One artifact round trip in a process of its own: ``python -m benchmarks._artifact_child``.

Prints JSON: upload and download seconds, and VmHWM before and after the transfer (after the
client was imported, created and had made one call, so growth is the transfer's alone).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Any

from benchmarks.procinfo import vm_hwm_mib


def _sdk_sync(uri: str, run_id: str, file: Path, dst: Path) -> dict[str, float]:
    from mlflow_rest_sdk import MlflowClient

    with MlflowClient(uri) as client:
        client.get_run(run_id=run_id)
        before = vm_hwm_mib()
        started = time.perf_counter()
        client.log_artifact(run_id, file)
        uploaded = time.perf_counter()
        client.download_artifacts(run_id, file.name, dst)
        done = time.perf_counter()
    return {"upload_s": uploaded - started, "download_s": done - uploaded, "hwm_before": before}


def _sdk_async(uri: str, transport: str, run_id: str, file: Path, dst: Path) -> dict[str, float]:
    from mlflow_rest_sdk import AsyncMlflowClient

    async def go() -> dict[str, float]:
        async with AsyncMlflowClient(uri, transport=transport) as client:
            await client.get_run(run_id=run_id)
            before = vm_hwm_mib()
            started = time.perf_counter()
            await client.log_artifact(run_id, file)
            uploaded = time.perf_counter()
            await client.download_artifacts(run_id, file.name, dst)
            done = time.perf_counter()
        return {"upload_s": uploaded - started, "download_s": done - uploaded, "hwm_before": before}

    return asyncio.run(go())


def _official(uri: str, run_id: str, file: Path, dst: Path) -> dict[str, float]:
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=uri)
    client.get_run(run_id)
    before = vm_hwm_mib()
    started = time.perf_counter()
    client.log_artifact(run_id, str(file))
    uploaded = time.perf_counter()
    client.download_artifacts(run_id, file.name, str(dst))
    done = time.perf_counter()
    return {"upload_s": uploaded - started, "download_s": done - uploaded, "hwm_before": before}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--client", required=True)
    parser.add_argument("--uri", required=True)
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--file", type=Path, required=True)
    parser.add_argument("--dst", type=Path, required=True)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args()
    args.dst.mkdir(parents=True, exist_ok=True)

    def work() -> dict[str, float]:
        if args.client == "sdk httpx-sync":
            return _sdk_sync(args.uri, args.run_id, args.file, args.dst)
        if args.client == "sdk httpx-async":
            return _sdk_async(args.uri, "httpx", args.run_id, args.file, args.dst)
        if args.client == "sdk aiohttp":
            return _sdk_async(args.uri, "aiohttp", args.run_id, args.file, args.dst)
        return _official(args.uri, args.run_id, args.file, args.dst)

    if args.profile is not None:
        from benchmarks.profiling import profiled

        data: dict[str, Any] = profiled(args.profile.name, args.profile.parent, work)
    else:
        data = work()
    data["hwm_after"] = vm_hwm_mib()
    print(json.dumps(data))


if __name__ == "__main__":
    main()
