"""Artifact URI resolution: proxied locations map to proxy paths, the rest get a clear error."""

from __future__ import annotations

import pytest

from mlflow_rest_sdk.artifacts import UnsafeArtifactPathError, UnsupportedArtifactLocationError
from mlflow_rest_sdk.artifacts.uri import proxy_root


@pytest.mark.parametrize(
    ("uri", "root"),
    [
        ("mlflow-artifacts:/1/abc/artifacts", "1/abc/artifacts"),
        ("mlflow-artifacts://127.0.0.1:5000/1/abc/artifacts", "1/abc/artifacts"),
        ("mlflow-artifacts:/1/models/m-1/artifacts/", "1/models/m-1/artifacts"),
        ("http://host:5000/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts", "1/abc/artifacts"),
        ("mlflow-artifacts:/1/abc/with%20space", "1/abc/with space"),
        ("mlflow-artifacts:/", ""),
    ],
)
def test_proxied_locations_resolve_to_the_proxy_path(uri: str, root: str) -> None:
    assert proxy_root(uri) == root


@pytest.mark.parametrize(
    ("uri", "named"),
    [
        ("s3://bucket/1/abc/artifacts", "s3:// store"),
        ("gs://bucket/x", "gs:// store"),
        ("file:///srv/mlruns/1/abc/artifacts", "file:// store"),
        ("/srv/mlruns/1/abc/artifacts", "path on the server's disk"),
        ("./mlruns/1/abc/artifacts", "path on the server's disk"),
        ("http://host/some/other/route", "http:// store"),
    ],
)
def test_unproxied_locations_name_the_problem_and_the_server_options(uri: str, named: str) -> None:
    with pytest.raises(UnsupportedArtifactLocationError) as caught:
        proxy_root(uri)
    message = str(caught.value)
    assert uri in message
    assert named in message
    assert "--serve-artifacts" in message
    assert "--artifacts-destination" in message


def test_an_empty_location_is_refused() -> None:
    with pytest.raises(UnsupportedArtifactLocationError, match="empty"):
        proxy_root("")


def test_a_location_that_climbs_out_of_the_proxy_root_is_refused() -> None:
    with pytest.raises(UnsafeArtifactPathError, match=r"'\.\.' segment"):
        proxy_root("mlflow-artifacts:/1/../../etc")
