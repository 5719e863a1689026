import type { FieldError } from "@/lib/http/zod-messages";

/**
 * fetch for our own /api: JSON in, JSON out, and the server's error message as the Error's. A
 * refused body also carries every problem tied to its field (`errors`), for forms to show each
 * next to its field.
 */
export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null,
    readonly errors: readonly FieldError[] = [{ param, message }],
  ) {
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
    const error = (data as { error?: { message?: string; param?: string | null; errors?: unknown } } | null)?.error;
    const message = error?.message ?? `Request failed (${res.status})`;
    const param = error?.param ?? null;
    throw new ApiClientError(res.status, message, param, fieldErrorsOf(error?.errors) ?? [{ param, message }]);
  }
  return data as T;
}

function fieldErrorsOf(value: unknown): FieldError[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const valid = value.filter(
    (e): e is FieldError => typeof e?.message === "string" && (e.param === null || typeof e.param === "string"),
  );
  return valid.length ? valid : null;
}
