"""Code generator: MLflow protos -> spec/mlflow_api.yaml -> typed Python clients."""
