"""Where fleet training runs: local joblib processes (``loky``) or a Dask cluster.

Kept apart from :mod:`water_models.fleet` so choosing and checking a backend (the CLI does it
before any training) needs neither the fleet's registration code nor Dask itself: Dask is
imported only when a fleet connects to a scheduler.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from joblib import parallel_config

from water_models import settings

if TYPE_CHECKING:
    from dask.distributed import Client

DEFAULT_SCHEDULER_TIMEOUT = settings.DEFAULT_SCHEDULER_TIMEOUT
# The extra moved to the water-models distribution; the old spelling is named for readers of
# older install notes.
DASK_INSTALL_HINT = (
    "pip install 'water-models[dask]' (formerly pip install 'mlflow-rest-sdk[dask]')"
)


class FleetBackendError(ValueError):
    """The training backend cannot be used as configured; the message says what to change."""


@dataclass(frozen=True)
class FleetBackend:
    """Where fleet training runs: local processes (``loky``) or the Dask cluster at ``scheduler``.

    Build it with :meth:`resolve`, which reads the environment and checks the combination.
    """

    name: str = settings.DEFAULT_BACKEND
    scheduler: str | None = None
    scheduler_timeout: float = DEFAULT_SCHEDULER_TIMEOUT

    def __post_init__(self) -> None:
        if self.name not in settings.BACKENDS:
            raise FleetBackendError(
                f"{self.name!r} is not a fleet backend; use one of {settings.BACKENDS}"
            )
        if self.name == "dask" and not self.scheduler:
            raise FleetBackendError(
                "the dask backend needs a scheduler address: --scheduler tcp://HOST:8786 "
                f"(or {settings.SCHEDULER_ENV})"
            )

    @classmethod
    def resolve(
        cls,
        backend: str | None = None,
        scheduler: str | None = None,
        *,
        scheduler_timeout: float = DEFAULT_SCHEDULER_TIMEOUT,
    ) -> FleetBackend:
        """Arguments first, then ``WATER_MODELS_BACKEND`` / ``WATER_MODELS_DASK_SCHEDULER``.

        A scheduler passed explicitly with a local backend is refused rather than ignored, so a
        fleet meant for the cluster never runs on this machine by mistake.
        """
        try:
            name = settings.fleet_backend(backend)
        except ValueError as error:
            raise FleetBackendError(str(error)) from None
        if name != "dask":
            if scheduler:
                raise FleetBackendError(
                    f"a Dask scheduler ({scheduler}) was given but the fleet backend is "
                    f"{name!r}; use --backend dask (or {settings.BACKEND_ENV}=dask)"
                )
            return cls(name)
        address = settings.dask_scheduler(scheduler)
        if scheduler_timeout <= 0:
            raise FleetBackendError(
                f"scheduler_timeout must be a positive number of seconds, got {scheduler_timeout}"
            )
        return cls(name, address, scheduler_timeout)


def connect_dask(address: str, timeout: float = DEFAULT_SCHEDULER_TIMEOUT) -> Client:
    """A client of the scheduler at ``address`` with at least one worker, within ``timeout``.

    Raises ``FleetBackendError`` naming the address, so a wrong address or an empty cluster
    fails before any training instead of hanging.
    """
    try:
        from dask.distributed import Client
    except ImportError:
        raise FleetBackendError(
            f"the dask fleet backend needs dask.distributed: {DASK_INSTALL_HINT}"
        ) from None
    try:
        # distributed's Client is not annotated; the ignores stay local to this module.
        client = Client(address, timeout=timeout, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as error:
        raise FleetBackendError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s: {error}"
        ) from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (OSError, TimeoutError) as error:
        client.close()  # type: ignore[no-untyped-call]
        raise FleetBackendError(
            f"the Dask scheduler at {address} has no worker after {timeout:g} s: {error}"
        ) from None
    return client


@contextmanager
def parallel_options(
    backend: FleetBackend, pairs: int, n_jobs: int | None
) -> Iterator[dict[str, Any]]:
    """Joblib's options for ``backend``; for Dask, connected for the duration of the block."""
    if backend.name != "dask" or backend.scheduler is None:
        yield {"n_jobs": n_jobs or min(pairs, os.cpu_count() or 1), "backend": "loky"}
        return
    client = connect_dask(backend.scheduler, backend.scheduler_timeout)
    try:
        with parallel_config(
            backend="dask", client=client, wait_for_workers_timeout=backend.scheduler_timeout
        ):
            # One station per Dask task: training takes seconds, so batching gains nothing and
            # would leave workers idle. Joblib's Dask backend uses every worker thread of the
            # cluster whatever n_jobs says.
            yield {"n_jobs": -1, "batch_size": 1}
    finally:
        client.close()  # type: ignore[no-untyped-call]
