"""Every request and response model and enum of the MLflow REST API (generated)."""

from mlflow_rest_sdk._generated.models import *  # noqa: F403
from mlflow_rest_sdk._generated.models import __all__ as __all__
