"""The asyncio compat client: the same scenario as the blocking one gives the same results,
since the blocking client is derived from it; concurrency is what it adds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import mlflow
import pytest

from mlflow_rest_sdk.compat import AsyncMlflowClient, MlflowException

from .normalize import Recorder


async def test_a_run_logged_through_the_async_client_reads_back_as_through_mlflows(
    tracking_uri: str, mlflow_client: mlflow.MlflowClient, unique_name: Callable[[str], str]
) -> None:
    async with AsyncMlflowClient(tracking_uri) as client:
        experiment_id = await client.create_experiment(unique_name("async"), tags={"a": 1})
        run = await client.create_run(experiment_id, run_name="concurrent")
        run_id = run.info.run_id
        await asyncio.gather(
            *(client.log_metric(run_id, "loss", 1.0 / step, step=step) for step in range(1, 21)),
            client.log_param(run_id, "lr", 0.1),
            client.set_tag(run_id, "phase", "train"),
        )
        await client.set_terminated(run_id)
        ours = await client.get_run(run_id)
        history = await client.get_metric_history(run_id, "loss")

    theirs = mlflow_client.get_run(run_id)
    recorder = Recorder()
    assert recorder.plain(ours) == recorder.plain(theirs)
    assert sorted(metric.step for metric in history) == list(range(1, 21))
    assert mlflow_client.get_experiment(experiment_id).tags == {"a": "1"}


async def test_the_async_client_answers_none_for_a_missing_name_and_raises_for_a_missing_run(
    tracking_uri: str,
) -> None:
    async with AsyncMlflowClient(tracking_uri) as client:
        assert await client.get_experiment_by_name("no-such-experiment-anywhere") is None
        with pytest.raises(MlflowException) as caught:
            await client.get_run("0" * 32)

    assert caught.value.error_code == "RESOURCE_DOES_NOT_EXIST"
