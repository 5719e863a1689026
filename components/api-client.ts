/** fetch for our own /api: JSON in, JSON out, and the server's error message as the Error's. */
export class ApiClientError extends Error {
  constructor(readonly status: number, message: string, readonly param: string | null) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: init.body === undefined ? undefined : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (res.status === 204) return undefined as T;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (data as { error?: { message?: string; param?: string | null } } | null)?.error;
    throw new ApiClientError(res.status, error?.message ?? `Request failed (${res.status})`, error?.param ?? null);
  }
  return data as T;
}
