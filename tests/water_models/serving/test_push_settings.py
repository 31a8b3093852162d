"""The push settings: a public URL that MLflow can call, and a secret that never shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from water_models.settings import WEBHOOK_SECRET_ENV, ServeSettings

SECRET = "settings-test-secret"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("WATER_MODELS_PUBLIC_URL", WEBHOOK_SECRET_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WATER_MODELS_HOME", str(tmp_path))


def test_the_secret_comes_from_the_environment_and_is_not_in_the_repr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(WEBHOOK_SECRET_ENV, SECRET)

    settings = ServeSettings.from_env(public_url="https://serving.example.com")

    assert settings.webhook_secret == SECRET
    assert SECRET not in repr(settings) and SECRET not in str(settings)


def test_worker_processes_get_the_same_push_settings_through_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(WEBHOOK_SECRET_ENV, SECRET)
    settings = ServeSettings.from_env(public_url="http://10.0.0.5:8000")

    for name, value in settings.to_env().items():
        monkeypatch.setenv(name, value)

    assert ServeSettings.from_env() == settings


def test_without_public_url_or_secret_both_are_none() -> None:
    settings = ServeSettings.from_env()

    assert settings.public_url is None and settings.webhook_secret is None
    assert "WATER_MODELS_PUBLIC_URL" not in settings.to_env()


@pytest.mark.parametrize("url", ["serving.example.com", "ftp://serving.example.com", "http://"])
def test_a_public_url_mlflow_cannot_call_is_refused_naming_it(url: str) -> None:
    with pytest.raises(ValueError, match="public URL must be an http"):
        ServeSettings.from_env(public_url=url)


def test_an_empty_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WEBHOOK_SECRET_ENV, "  ")

    with pytest.raises(ValueError, match=f"{WEBHOOK_SECRET_ENV} is set but empty"):
        ServeSettings.from_env()
