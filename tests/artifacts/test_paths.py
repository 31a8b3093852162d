"""Path safety: what is refused, with which reason, and what is accepted unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlflow_rest_sdk.artifacts import UnsafeArtifactPathError
from mlflow_rest_sdk.artifacts.paths import check_relative_path, local_target, remote_name


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("../x", "'..' segment"),
        ("a/../../x", "'..' segment"),
        ("/etc/passwd", "absolute"),
        ("a\\b", "backslash"),
        ("..\\x", "backslash"),
        ("C:x", "drive letter"),
        ("c:/windows", "drive letter"),
        ("a\x00b", "NUL byte"),
        ("a\nb", "control character"),
        ("a//b", "empty or '.' segment"),
        ("./a", "empty or '.' segment"),
        ("", "is empty"),
    ],
)
def test_unsafe_paths_are_refused_with_the_reason(path: str, reason: str) -> None:
    with pytest.raises(UnsafeArtifactPathError, match=reason) as caught:
        check_relative_path(path, source="server")
    assert caught.value.path == path
    assert "from the server" in str(caught.value)


@pytest.mark.parametrize(
    "path", ["a.txt", "model/data/x.bin", "ünï cødé/ファイル.txt", "a..b", ".hidden"]
)
def test_safe_relative_paths_are_accepted_unchanged(path: str) -> None:
    assert check_relative_path(path, source="caller") == path


def test_a_trailing_slash_is_dropped() -> None:
    assert check_relative_path("model/", source="caller") == "model"


def test_the_empty_path_means_the_root_only_where_allowed() -> None:
    assert check_relative_path("", source="caller", allow_empty=True) == ""


def test_a_local_target_lies_under_the_destination(tmp_path: Path) -> None:
    assert local_target(tmp_path, "a/b.txt") == tmp_path.resolve() / "a" / "b.txt"


def test_a_symlinked_folder_in_the_destination_cannot_redirect_a_write(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    destination = tmp_path / "dst"
    destination.mkdir()
    (destination / "link").symlink_to(outside)
    with pytest.raises(UnsafeArtifactPathError, match="outside"):
        local_target(destination, "link/x.txt")


def test_an_existing_symlink_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text("keep")
    (tmp_path / "alias.txt").symlink_to(tmp_path / "real.txt")
    with pytest.raises(UnsafeArtifactPathError, match="symlink"):
        local_target(tmp_path, "alias.txt")


def test_an_uploaded_symlink_that_leads_outside_the_folder_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not publish")
    folder = tmp_path / "upload"
    folder.mkdir()
    (folder / "innocent.txt").symlink_to(secret)
    with pytest.raises(UnsafeArtifactPathError, match="leads outside"):
        remote_name(folder, folder / "innocent.txt")


def test_an_uploaded_symlink_inside_the_folder_is_uploaded_under_its_own_name(
    tmp_path: Path,
) -> None:
    (tmp_path / "real.txt").write_text("x")
    (tmp_path / "alias.txt").symlink_to(tmp_path / "real.txt")
    assert remote_name(tmp_path, tmp_path / "alias.txt") == "alias.txt"
