"""Live tests: the SDK against a real ``mlflow server``, on every transport."""
