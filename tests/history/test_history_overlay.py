"""The hand-written first releases of non-proto routes, checked against real server source.

A route whose recorded first release is at or before a wheel's release must have its path in
that wheel's ``mlflow/server`` source; a younger one must not.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.version import Version
from tests.history._releases import EARLY_3X, OLD_RELEASE

from codegen.__main__ import HISTORY_OVERLAY_PATH

pytestmark = pytest.mark.xdist_group("history-wheels")


def _server_source(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        names = [n for n in archive.namelist() if n.startswith("mlflow/server/")]
        return "\n".join(archive.read(n).decode("utf-8") for n in names if n.endswith(".py"))


@pytest.mark.parametrize("release", [OLD_RELEASE, EARLY_3X])
def test_overlay_routes_exist_exactly_in_the_releases_it_says(
    release: str, old_wheel: Path, early_3x_wheel: Path
) -> None:
    wheel = old_wheel if release == OLD_RELEASE else early_3x_wheel
    source = _server_source(wheel)
    overlay = yaml.safe_load(HISTORY_OVERLAY_PATH.read_text(encoding="utf-8"))
    for route, first_release in overlay["endpoints"].items():
        path = route.split(" ", 1)[1]
        relative = re.sub(r"^/api/\d\.0", "", path)  # the server source builds the prefix
        present = f'"{relative}"' in source
        expected = Version(str(first_release)) <= Version(release)
        assert present == expected, f"{route}: recorded {first_release}, in {release}: {present}"
