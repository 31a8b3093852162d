// Everyday tracking and registry calls through the typed client:
//   node dist/example.js [TRACKING_URI] [NAME]
// (TRACKING_URI defaults to $MLFLOW_TRACKING_URI, then http://127.0.0.1:5000). Prints what it
// created and read back as one JSON object.

import { randomUUID } from "node:crypto";

import { MlflowApiError, MlflowClient, int64 } from "./mlflow.js";

async function main(): Promise<void> {
  const baseUrl = process.argv[2] ?? process.env.MLFLOW_TRACKING_URI ?? "http://127.0.0.1:5000";
  const name = process.argv[3] ?? `typescript-example-${randomUUID()}`;
  const mlflow = new MlflowClient(baseUrl);

  const { experiment_id } = await mlflow.post("/api/2.0/mlflow/experiments/create", { name });
  if (experiment_id === undefined) throw new Error("create-experiment answered no experiment_id");

  const created = await mlflow.post("/api/2.0/mlflow/runs/create", {
    experiment_id,
    run_name: "typescript",
    start_time: Date.now(),
  });
  const runId = created.run?.info?.run_id;
  if (runId === undefined) throw new Error("create-run answered no run_id");

  const timestamp = Date.now();
  await mlflow.post("/api/2.0/mlflow/runs/log-metric", {
    run_id: runId,
    key: "rmse",
    value: 0.25,
    timestamp,
    step: 3,
  });

  const { run } = await mlflow.get("/api/2.0/mlflow/runs/get", { run_id: runId });
  const metric = run?.data?.metrics?.find((m) => m.key === "rmse");
  if (metric?.timestamp === undefined) throw new Error("the logged metric did not read back");

  const found = await mlflow.post("/api/2.0/mlflow/runs/search", {
    experiment_ids: [experiment_id],
    filter: "metrics.rmse < 1",
  });

  const { registered_model } = await mlflow.post("/api/2.0/mlflow/registered-models/create", {
    name,
    description: "registered from TypeScript",
  });

  let missingRunError: string | undefined;
  try {
    await mlflow.get("/api/2.0/mlflow/runs/get", { run_id: randomUUID().replaceAll("-", "") });
  } catch (error) {
    if (!(error instanceof MlflowApiError)) throw error;
    missingRunError = error.errorCode;
  }

  console.log(
    JSON.stringify({
      experiment_id,
      run_id: runId,
      metric: {
        key: metric.key,
        value: metric.value,
        step: metric.step === undefined ? undefined : Number(int64(metric.step)),
        // Compared as exact integers: an int64 may arrive as a number or as a string.
        timestamp_matches: int64(metric.timestamp) === BigInt(timestamp),
      },
      searched_run_ids: (found.runs ?? []).map((r) => r.info?.run_id),
      registered_model: registered_model?.name,
      missing_run_error: missingRunError,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
