"""Upload then download one file in a fresh process and report its peak-RSS growth.

Run as ``python _memory_probe.py URL TRANSPORT_KIND RUN_ID SOURCE DESTINATION [buffered]``;
prints one JSON object. The baseline is taken after imports and a first request, so the growth
is what the transfer itself cost (``ru_maxrss`` is a high-water mark, in KiB on Linux).
``buffered`` (sync only) downloads through the generated ``download_artifact``, which holds the
whole body in memory: the control that shows the measurement does see buffering.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import resource
import sys
from pathlib import Path

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient


def peak_kib() -> int:
    """This process's peak RSS in KiB. Linux's ``VmHWM`` belongs to this process image, while
    ``ru_maxrss`` survives exec and can start at the (larger) peak of the parent pytest worker,
    which would hide any growth."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_sync(url: str, run_id: str, source: Path, destination: Path) -> dict[str, object]:
    with MlflowClient(url) as client:
        client.get_run(run_id=run_id)
        before = peak_kib()
        up = client.log_artifact(run_id, source)
        down = client.download_artifacts(run_id, source.name, destination)
        return {
            "before": before,
            "after": peak_kib(),
            "up": up.sha256,
            "down": down.files[0].sha256,
        }


def run_buffered(url: str, run_id: str, source: Path) -> dict[str, object]:
    with MlflowClient(url) as client:
        run = client.get_run(run_id=run_id).run
        assert run is not None and run.info is not None and run.info.artifact_uri is not None
        root = run.info.artifact_uri.removeprefix("mlflow-artifacts:/")
        before = peak_kib()
        body = client.download_artifact(artifact_path=f"{root}/{source.name}")
        return {"before": before, "after": peak_kib(), "down": hashlib.sha256(body).hexdigest()}


async def run_async(
    url: str, transport: str, run_id: str, source: Path, destination: Path
) -> dict[str, object]:
    async with AsyncMlflowClient(url, transport=transport) as client:
        await client.get_run(run_id=run_id)
        before = peak_kib()
        up = await client.log_artifact(run_id, source)
        down = await client.download_artifacts(run_id, source.name, destination)
        return {
            "before": before,
            "after": peak_kib(),
            "up": up.sha256,
            "down": down.files[0].sha256,
        }


def main() -> None:
    url, kind, run_id, source, destination = sys.argv[1:6]
    if sys.argv[6:] == ["buffered"]:
        report = run_buffered(url, run_id, Path(source))
    elif kind == "httpx-sync":
        report = run_sync(url, run_id, Path(source), Path(destination))
    else:
        report = asyncio.run(
            run_async(url, kind.removesuffix("-async"), run_id, Path(source), Path(destination))
        )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
