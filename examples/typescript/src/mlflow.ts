// A small typed client for MLflow's REST API on the platform's fetch, typed by the `paths` that
// openapi-typescript writes from spec/openapi.json (`npm run generate` -> src/mlflow-api.ts).
// Each call names a route as the document spells it; the compiler then knows its request body
// or query and its 200 answer, so a missing required field or a misspelt one fails `tsc`.

import type { components, paths } from "./mlflow-api.js";

export type Schemas = components["schemas"];

type Method = "get" | "post" | "patch" | "delete";

/** The routes of the document that have an operation for `M`. */
export type RouteFor<M extends Method> = {
  [P in keyof paths]: paths[P] extends Record<M, object> ? P : never;
}[keyof paths];

type Operation<P extends keyof paths, M extends Method> = paths[P][M];

/** The JSON request body of an operation (POST, PATCH and DELETE take one in MLflow). */
export type RequestBody<O> = O extends {
  requestBody: { content: { "application/json": infer B } };
}
  ? B
  : never;

/** The query parameters of a GET operation. */
export type Query<O> = O extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** The JSON body of the 200 answer of an operation. */
export type Ok<O> = O extends {
  responses: { 200: { content: { "application/json": infer R } } };
}
  ? R
  : never;

/** A 64-bit integer as MLflow may send it (a JSON number, or protobuf's decimal string). */
export type Int64 = number | string;

/** The exact value of a 64-bit integer: numbers above 2^53 lose digits in a JS number. */
export function int64(value: Int64): bigint {
  return BigInt(value);
}

/** An answer other than 200: MLflow's error body when there is one (`error_code`, `message`). */
export class MlflowApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    readonly body: Schemas["MlflowError"] | string,
  ) {
    super(
      `MLflow answered ${status}${errorCode ? ` ${errorCode}` : ""}: ` +
        (typeof body === "string" ? body.slice(0, 200) : body.message),
    );
    this.name = "MlflowApiError";
  }
}

function isMlflowError(value: unknown): value is Schemas["MlflowError"] {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Record<string, unknown>).error_code === "string" &&
    typeof (value as Record<string, unknown>).message === "string"
  );
}

type QueryValue = string | number | boolean | readonly (string | number | boolean)[] | undefined;

export interface ClientOptions {
  /** Extra headers for every request, e.g. `Authorization` (basic or bearer). */
  headers?: Record<string, string>;
  /** Milliseconds before a request is abandoned (fetch has no timeout of its own). */
  timeoutMs?: number;
}

export class MlflowClient {
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(baseUrl: string, options: ClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.headers = options.headers ?? {};
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** GET with query parameters; repeated fields repeat the key (`style: form, explode: true`). */
  get<P extends RouteFor<"get">>(
    path: P,
    query: Query<Operation<P, "get">>,
  ): Promise<Ok<Operation<P, "get">>> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query as Record<string, QueryValue>)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== undefined) search.append(key, String(item));
      }
    }
    const encoded = search.toString();
    return this.send("GET", encoded === "" ? path : `${path}?${encoded}`, undefined);
  }

  post<P extends RouteFor<"post">>(
    path: P,
    body: RequestBody<Operation<P, "post">>,
  ): Promise<Ok<Operation<P, "post">>> {
    return this.send("POST", path, body);
  }

  patch<P extends RouteFor<"patch">>(
    path: P,
    body: RequestBody<Operation<P, "patch">>,
  ): Promise<Ok<Operation<P, "patch">>> {
    return this.send("PATCH", path, body);
  }

  /** MLflow's DELETE routes read a JSON body, as the document says. */
  delete<P extends RouteFor<"delete">>(
    path: P,
    body: RequestBody<Operation<P, "delete">>,
  ): Promise<Ok<Operation<P, "delete">>> {
    return this.send("DELETE", path, body);
  }

  private async send<T>(method: string, pathAndQuery: string, body: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json", ...this.headers };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(`${this.baseUrl}${pathAndQuery}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    // Not every answer is JSON: basic-auth, the Host check and unserved routes answer HTML.
    const json: unknown = response.headers.get("content-type")?.includes("json")
      ? JSON.parse(text)
      : undefined;
    if (response.status !== 200) {
      if (isMlflowError(json)) throw new MlflowApiError(response.status, json.error_code, json);
      throw new MlflowApiError(response.status, undefined, text);
    }
    return json as T;
  }
}
