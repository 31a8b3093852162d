"""What ``log_text``, ``log_dict``, ``log_figure`` and ``log_image`` write, written into a file
of a temporary folder before it is uploaded: no network, and no import of numpy, PIL,
matplotlib, plotly or yaml until a call needs one.

The file formats follow MLflow's, so the MLflow UI shows these artifacts as it shows MLflow's:
dicts as indented JSON (YAML for ``.yml``/``.yaml``), figures by their library's own writer,
images as PNG, and keyed images as ``images/<key>+step+<n>+timestamp+<ms>+<uuid>.png`` with a
``+compressed.webp`` thumbnail.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import sys
import uuid
from pathlib import Path
from typing import Any

from mlflow_rest_sdk.compat.exceptions import MlflowException

__all__ = [
    "COMPRESSED_IMAGE_SIZE",
    "image_artifact_files",
    "split_artifact_file",
    "to_pil_image",
    "write_dict",
    "write_figure",
    "write_registered_model_meta",
]

#: The longer side of the thumbnail MLflow logs beside a keyed image, in pixels.
COMPRESSED_IMAGE_SIZE = 256
_IMAGE_KEY = re.compile(r"^[a-zA-Z0-9_\-./ ]+$")


def split_artifact_file(artifact_file: str) -> tuple[str, str | None]:
    """``"plots/loss.png"`` as ``("loss.png", "plots")``; a bare name has no folder (None)."""
    normalized = posixpath.normpath(artifact_file)
    folder = posixpath.dirname(normalized)
    return posixpath.basename(normalized), folder or None


def write_dict(path: Path, dictionary: dict[str, Any], artifact_file: str) -> None:
    """JSON with an indent of 2 (objects JSON cannot hold as strings), or YAML by extension."""
    if os.path.splitext(artifact_file)[1] in (".yml", ".yaml"):
        try:
            import yaml
        except ImportError as error:
            raise MlflowException(
                "log_dict to a .yml/.yaml file needs PyYAML: pip install pyyaml"
            ) from error
        with path.open("w") as file:
            yaml.dump(dictionary, file, indent=2, default_flow_style=False)
        return
    with path.open("w") as file:
        json.dump(dictionary, file, indent=2, default=str)


def _is_instance(value: object, module: str, qualified: str) -> bool:
    """``isinstance`` against a class of a library only if that library is already imported."""
    if module not in sys.modules:
        return False
    target: Any = sys.modules[module]
    for part in qualified.split("."):
        target = getattr(target, part, None)
        if target is None:
            return False
    return isinstance(value, target)


def write_figure(
    path: Path, figure: Any, artifact_file: str, save_kwargs: dict[str, Any] | None
) -> None:
    """A matplotlib figure by ``savefig``; a plotly figure as HTML or an image by extension."""
    options = dict(save_kwargs or {})
    if _is_instance(figure, "matplotlib.figure", "Figure"):
        figure.savefig(path, **options)
        return
    if _is_instance(figure, "plotly.graph_objects", "Figure"):
        extension = os.path.splitext(artifact_file)[1]
        if extension == ".html":
            options.setdefault("include_plotlyjs", "cdn")
            options.setdefault("auto_open", False)
            figure.write_html(str(path), **options)
        elif extension in (".png", ".jpeg", ".webp", ".svg", ".pdf"):
            figure.write_image(str(path), **options)
        else:
            raise TypeError(f"Unsupported file extension for plotly figure: '{extension}'")
        return
    raise TypeError(f"Unsupported figure object type: '{type(figure)}'")


def _array_to_pil(image: Any) -> Any:
    import numpy as np
    from PIL import Image

    kinds = {"b": "bool", "i": "signed integer", "u": "unsigned integer", "f": "floating"}
    if image.dtype.kind not in kinds:
        raise TypeError(
            f"Invalid array data type: '{image.dtype}'. Must be one of {list(kinds.values())}"
        )
    if image.ndim not in (2, 3):
        raise ValueError(f"`image` must be a 2D or 3D array but got image shape: {image.shape}")
    if image.ndim == 3 and image.shape[2] not in (1, 3, 4):
        raise ValueError(f"Invalid channel length: {image.shape[2]}. Must be one of [1, 3, 4]")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    is_int = np.issubdtype(image.dtype, np.integer)
    high = 255 if is_int else 1
    if image.min() < 0 or image.max() > high:
        if is_int:
            raise ValueError(
                "Integer pixel values out of acceptable range [0, 255]. Found minimum value "
                f"{image.min()} and maximum value {image.max()}."
            )
        image = (image - image.min()) / (image.max() - image.min())
    if not is_int:
        image = image * 255
    return Image.fromarray(image.astype(np.uint8))


def to_pil_image(image: Any) -> Any:
    """A numpy array (2-D, or 3-D with 1, 3 or 4 channels; floats in [0, 1]), a PIL image, or
    anything with ``to_pil()`` (``mlflow.Image``), as a PIL image."""
    if _is_instance(image, "numpy", "ndarray"):
        return _array_to_pil(image)
    to_pil = getattr(image, "to_pil", None)
    if callable(to_pil):
        return to_pil()
    if _is_instance(image, "PIL.Image", "Image"):
        return image
    raise TypeError(
        f"Unsupported image object type: {type(image)}. `image` must be one of numpy.ndarray, "
        "PIL.Image.Image, and mlflow.Image."
    )


def compressed(image: Any) -> Any:
    """The image scaled to fit a square of :data:`COMPRESSED_IMAGE_SIZE`, aspect kept."""
    width, height = image.size
    if width > height:
        size = (COMPRESSED_IMAGE_SIZE, int(height * COMPRESSED_IMAGE_SIZE / width))
    else:
        size = (int(width * COMPRESSED_IMAGE_SIZE / height), COMPRESSED_IMAGE_SIZE)
    return image.resize(size)


def image_artifact_files(key: str, step: int, timestamp: int) -> tuple[str, str]:
    """The artifact files of a keyed image and its thumbnail, named as MLflow names them."""
    if not _IMAGE_KEY.match(key):
        raise ValueError(
            "The `key` parameter may only contain alphanumerics, underscores (_), dashes (-), "
            f"periods (.), spaces ( ), and slashes (/). The provided key `{key}` contains "
            "invalid characters."
        )
    stem = f"images/{key.replace('/', '~')}+step+{step}+timestamp+{timestamp}+{uuid.uuid4()}"
    return f"{stem}.png", f"{stem}+compressed.webp"


#: The file MLflow writes beside a downloaded model, naming the registered version it came from.
REGISTERED_MODEL_META_FILE = "registered_model_meta"


def write_registered_model_meta(folder: Path, name: str | None, version: str | None) -> None:
    """Write ``registered_model_meta`` into a downloaded model folder (one with ``MLmodel``),
    as MLflow's download does: YAML with ``model_name`` and ``model_version`` (null for a
    logged model). Without PyYAML the same data is written as JSON, which YAML readers read."""
    if not (folder.is_dir() and (folder / "MLmodel").exists()):
        return
    data = {"model_name": name, "model_version": version}
    target = folder / REGISTERED_MODEL_META_FILE
    try:
        import yaml
    except ImportError:
        target.write_text(json.dumps(data), encoding="utf-8")
        return
    with target.open("w", encoding="utf-8") as file:
        yaml.safe_dump(data, file, default_flow_style=False, allow_unicode=True, sort_keys=True)
