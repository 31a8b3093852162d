"""Artifacts, differentially: files, folders, streams, text, dicts, figures and images logged
through MLflow's client and the compat client; the same listings and downloads, and the same
bytes stored (read back by MLflow's client for both sides)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on the test machines

import matplotlib.pyplot as plt
import mlflow
import numpy as np

from .sides import Side, assert_same_results, run_both

#: A keyed image's file names carry a timestamp and a random id; the rest must match.
_IMAGE_NAME = re.compile(r"\+timestamp\+\d+\+[0-9a-f-]{36}")


def _stable(path: str) -> str:
    return _IMAGE_NAME.sub("+timestamp+<ms>+<uuid>", path)


def stored_files(reader: mlflow.MlflowClient, run_id: str, scratch: Path) -> dict[str, str]:
    """Every artifact file of the run with the sha256 of its bytes, as MLflow downloads them.

    Images are compared by size only: PNG and WebP encoders are deterministic, but a figure
    embeds the matplotlib version and date in its metadata."""
    root = Path(reader.download_artifacts(run_id, "", str(scratch)))
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            relative = _stable(path.relative_to(root).as_posix())
            data = path.read_bytes()
            files[relative] = hashlib.sha256(data).hexdigest()[:16]
    return files


def artifact_scenario(side: Side, inputs: Path, scratch: Path) -> None:
    client, record, alias = side.client, side.recorder.record, side.recorder.alias
    experiment_id = side.new_experiment()
    run_id = alias(client.create_run(experiment_id, run_name="art").info.run_id, "run")
    record("log_artifact", client.log_artifact(run_id, str(inputs / "weights.bin")))
    record(
        "log_artifact, into a folder",
        client.log_artifact(run_id, str(inputs / "weights.bin"), "copies"),
    )
    record("log_artifacts", client.log_artifacts(run_id, str(inputs / "tree"), "tree"))
    record("log_artifacts, at the root", client.log_artifacts(run_id, str(inputs / "tree")))
    record("log_text", client.log_text(run_id, "héllo\nwater", "notes/readme.txt"))
    with (inputs / "weights.bin").open("rb") as stream:
        record("log_stream", client.log_stream(run_id, stream, "streams/weights.bin"))
    config = {"depth": 6, "rates": [0.1, 0.01], "when": Path("/x")}
    record("log_dict, json", client.log_dict(run_id, config, "config.json"))
    record("log_dict, yaml", client.log_dict(run_id, {"depth": 6, "tags": ["a"]}, "cfg/c.yaml"))
    figure, axes = plt.subplots()
    axes.plot([1, 2, 3])
    record("log_figure", client.log_figure(run_id, figure, "plots/curve.png"))
    plt.close(figure)
    pixels = np.linspace(0, 1, 40 * 30 * 3).reshape(40, 30, 3)
    record("log_image, a file", client.log_image(run_id, pixels, "images_static/px.png"))
    record(
        "log_image, a key and step",
        client.log_image(run_id, (pixels * 255).astype(np.uint8), key="val/sample", step=3),
    )
    record("list_artifacts", client.list_artifacts(run_id))
    record("list_artifacts, a folder", client.list_artifacts(run_id, "tree"))
    record("list_artifacts, nested", client.list_artifacts(run_id, "tree/deep"))
    record("list_artifacts, missing", client.list_artifacts(run_id, "nowhere"))
    record(
        "list_artifacts, keyed images",
        sorted(_stable(file.path) for file in client.list_artifacts(run_id, "images")),
    )
    destination = scratch / side.label
    destination.mkdir()
    file_path = client.download_artifacts(run_id, "notes/readme.txt", str(destination))
    record("download_artifacts, a file", Path(file_path).relative_to(destination).as_posix())
    record("downloaded text", Path(file_path).read_text(encoding="utf-8"))
    folder = client.download_artifacts(run_id, "tree", str(destination))
    record("download_artifacts, a folder", Path(folder).relative_to(destination).as_posix())
    record(
        "downloaded folder",
        sorted(path.relative_to(folder).as_posix() for path in Path(folder).rglob("*")),
    )
    temporary = Path(client.download_artifacts(run_id, "config.json"))
    record("download_artifacts, no dst_path", (temporary.name, temporary.is_file()))
    record("get_run, tags", client.get_run(run_id).data.tags)


def test_artifacts(
    sides: dict[str, Side], mlflow_client: mlflow.MlflowClient, tmp_path: Path
) -> None:
    inputs = tmp_path / "inputs"
    (inputs / "tree" / "deep").mkdir(parents=True)
    (inputs / "weights.bin").write_bytes(bytes(range(256)) * 40)
    (inputs / "tree" / "a.txt").write_text("a")
    (inputs / "tree" / "deep" / "b.csv").write_text("x,y\n1,2\n")
    run_both(sides, lambda side: artifact_scenario(side, inputs, tmp_path))

    assert_same_results(sides)
    stored = {}
    for label, side in sides.items():
        scratch = tmp_path / f"stored-{label}"
        scratch.mkdir()
        run_id = next(actual for actual, alias in side.recorder.aliases.items() if alias == "<run>")
        stored[label] = stored_files(mlflow_client, run_id, scratch)
    assert stored["compat"] == stored["mlflow"]
