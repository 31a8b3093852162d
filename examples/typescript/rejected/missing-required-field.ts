// Must NOT type-check: log-metric without `timestamp`, which the document (from MLflow's protos)
// marks required. tests/openapi/test_typescript_client.py expects tsc to reject exactly this call.

import { MlflowClient } from "../src/mlflow.js";

export async function logWithoutTimestamp(mlflow: MlflowClient, runId: string): Promise<void> {
  await mlflow.post("/api/2.0/mlflow/runs/log-metric", { run_id: runId, key: "rmse", value: 0.25 });
}
