// The API over fetch: the bearer token, JSON in and out, ETags for If-Match, problems as errors.
import type { Problem } from "../lib/grid";
import type { Paths } from "./types";
import { session } from "../auth/session";

let base = "";
export function setApiBase(url: string): void {
  base = url.replace(/\/$/, "");
}
export function apiUrl(path: string): string {
  return base + path;
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public problem: Problem,
  ) {
    super(problem.detail || problem.title || `HTTP ${status}`);
  }
}

export interface Reply<T> {
  data: T;
  etag: string | null;
}

type Query = Record<string, string | number | boolean | null | undefined>;

/** A route of the API (a key of openapi.json's paths) with its path parameters filled in. */
export function route<P extends keyof Paths & string>(pattern: P, params: Record<string, string> = {}): string {
  return pattern.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) throw new Error(`no ${k} for ${pattern}`);
    return encodeURIComponent(v);
  });
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export async function call<T>(
  method: string,
  path: string,
  options: { query?: Query; body?: unknown; ifMatch?: string | null; accept?: string } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { Accept: options.accept ?? "application/json" };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (options.ifMatch) headers["If-Match"] = options.ifMatch;
  if (method === "POST" && options.body !== undefined) headers["Idempotency-Key"] = crypto.randomUUID();
  let reply: Response;
  try {
    reply = await fetch(apiUrl(withQuery(path, options.query)), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, { title: "network", detail: "" });
  }
  if (reply.status === 401 && token) session.expired();
  const type = reply.headers.get("content-type") ?? "";
  if (!reply.ok) {
    const problem: Problem = type.includes("json") ? await reply.json() : { title: reply.statusText, status: reply.status };
    throw new ApiError(reply.status, problem);
  }
  const data = (type.includes("json") ? await reply.json() : await reply.blob()) as T;
  return { data, etag: reply.headers.get("ETag") };
}

export const get = <T>(path: string, query?: Query) => call<T>("GET", path, { query });
export const post = <T>(path: string, body: unknown, ifMatch?: string | null) => call<T>("POST", path, { body, ifMatch });
export const put = <T>(path: string, body: unknown, ifMatch?: string | null) => call<T>("PUT", path, { body, ifMatch });

/** A binary reply (XLSX) saved under its name. */
export async function download(path: string, query: Query, name: string, accept: string): Promise<void> {
  const { data } = await call<Blob>("GET", path, { query, accept });
  const url = URL.createObjectURL(data);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
