"""``Run``, as ``mlflow.entities.Run``: ``info``, ``data``, ``inputs`` and ``outputs``."""

from __future__ import annotations

from mlflow_rest_sdk.compat.entities._base import Entity
from mlflow_rest_sdk.compat.exceptions import MlflowException

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from mlflow_rest_sdk.compat.entities.run_data import RunData
    from mlflow_rest_sdk.compat.entities.run_info import RunInfo
    from mlflow_rest_sdk.compat.entities.run_inputs import RunInputs
    from mlflow_rest_sdk.compat.entities.run_outputs import RunOutputs

__all__ = ["Run"]


class Run(Entity):
    """A run: ``Run(run_info, run_data, run_inputs=None, run_outputs=None)``."""

    def __init__(
        self,
        run_info: RunInfo,
        run_data: RunData,
        run_inputs: RunInputs | None = None,
        run_outputs: RunOutputs | None = None,
    ) -> None:
        if run_info is None:
            raise MlflowException("run_info cannot be None")
        self._info = run_info
        self._data = run_data
        self._inputs = run_inputs
        self._outputs = run_outputs

    @property
    def info(self) -> RunInfo:
        return self._info

    @property
    def data(self) -> RunData:
        return self._data

    @property
    def inputs(self) -> RunInputs | None:
        return self._inputs

    @property
    def outputs(self) -> RunOutputs | None:
        return self._outputs

    def to_dictionary(self) -> dict[str, Any]:
        """``{"info": ..., "data": ..., "inputs": ..., "outputs": ...}`` of plain values, the
        parts a run has."""
        result: dict[str, Any] = {"info": dict(self.info)}
        if self.data is not None:
            result["data"] = self.data.to_dictionary()
        if self.inputs is not None:
            result["inputs"] = self.inputs.to_dictionary()
        if self.outputs is not None:
            result["outputs"] = self.outputs.to_dictionary()
        return result
