"""``RunStatus``: where a run is in its life, as MLflow's integer constants (an ``IntEnum``).

``RunInfo.status`` and the client's ``status`` arguments are the names (``"FINISHED"``), as in
MLflow; these helpers convert between the names and MLflow's numbers.
"""

from __future__ import annotations

from enum import IntEnum

from mlflow_rest_sdk.compat.exceptions import MlflowException

__all__ = ["RunStatus"]


class RunStatus(IntEnum):
    """``RUNNING`` (1), ``SCHEDULED`` (2), ``FINISHED`` (3), ``FAILED`` (4), ``KILLED`` (5)."""

    RUNNING = 1
    SCHEDULED = 2
    FINISHED = 3
    FAILED = 4
    KILLED = 5

    @staticmethod
    def from_string(status_str: str) -> int:
        """The number of a status name (``"FINISHED"`` -> 3)."""
        member = RunStatus.__members__.get(status_str)
        if member is None:
            raise MlflowException.invalid_parameter_value(
                f"Could not get run status corresponding to string {status_str}. Valid run "
                f"status strings: {list(RunStatus.__members__)}"
            )
        return int(member)

    @staticmethod
    def to_string(status: int) -> str:
        """The name of a status number (3 -> ``"FINISHED"``)."""
        try:
            return RunStatus(status).name
        except ValueError:
            raise MlflowException.invalid_parameter_value(
                f"Could not get string corresponding to run status {status}. Valid run "
                f"statuses: {[int(member) for member in RunStatus]}"
            ) from None

    @staticmethod
    def is_terminated(status: int) -> bool:
        """Whether a run with this status has ended (finished, failed or killed)."""
        return status in (RunStatus.FINISHED, RunStatus.FAILED, RunStatus.KILLED)

    @staticmethod
    def all_status() -> list[int]:
        return [int(member) for member in RunStatus]
