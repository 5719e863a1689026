/**
 * What every HTTP adapter shares: the POST, and turning transport failures, aborts and upstream
 * error bodies into UpstreamError with the status the gateway's fallback logic reads.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { scrubSecrets, type KnownSecrets } from "../security/scrub.ts";
import type { SseMessage } from "./sse.ts";
import { UpstreamError } from "./types.ts";

const MAX_MESSAGE_CHARS = 1000;
/** Scrubbed before clipping, so a key cut in half at the clip cannot leave its first half behind. */
const SCRUB_WINDOW_CHARS = 4 * MAX_MESSAGE_CHARS;
const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, "") + path;
}

/**
 * The error an aborted signal stands for: the reason itself when the caller aborted with an
 * UpstreamError, 408 for `AbortSignal.timeout()`, otherwise 499 "aborted".
 */
export function abortError(signal: AbortSignal): UpstreamError {
  const reason: unknown = signal.reason;
  if (reason instanceof UpstreamError) return reason;
  if (reason instanceof Error && reason.name === "TimeoutError") return new UpstreamError("upstream timed out", 408);
  return new UpstreamError("aborted", 499);
}

/** What an adapter reads of an upstream's answer (the subset of fetch's Response it needs). */
export type UpstreamResponse = {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  /** The body's bytes as they arrive; breaking off the iteration releases the connection. */
  body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
};

/**
 * POSTs JSON; resolves with the response whatever its status, rejects with UpstreamError on
 * transport failure. `secrets` are the credentials the call carries, kept out of error text.
 *
 * Node's own http client rather than fetch: this runs for every request, and fetch's Request,
 * Response and Web-stream body cost more per reply (and per streamed chunk) than everything else
 * the gateway does with it. Connections are kept alive (KEEP_ALIVE agents); redirects are not followed
 * (an API answering 3xx is an error, and a key is never sent on to wherever it points); nothing
 * asks for compression.
 */
export function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal: AbortSignal,
  secrets: KnownSecrets = [],
): Promise<UpstreamResponse> {
  return send("POST", url, headers, () => Buffer.from(JSON.stringify(body)), signal, secrets);
}

/** The headers of a JSON POST to an OpenAI-style API: the key as a Bearer token when there is one. */
export function openAiHeaders(apiKey: string | null, accept: string): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json", accept };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  return headers;
}

/** GETs `url` (e.g. a provider's model list) as postJson POSTs: same agents, errors and refusals. */
export function getRequest(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  secrets: KnownSecrets = [],
): Promise<UpstreamResponse> {
  return send("GET", url, headers, null, signal, secrets);
}

function send(
  method: "GET" | "POST",
  url: string,
  headers: Record<string, string>,
  body: (() => Buffer) | null,
  signal: AbortSignal,
  secrets: KnownSecrets,
): Promise<UpstreamResponse> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  let target: URL;
  try {
    target = new URL(url);
    // As fetch refuses them: a key in the URL would travel as Basic auth to whoever answers.
    if (target.username || target.password)
      throw new TypeError(`Request cannot be constructed from a URL that includes credentials: ${url}`);
    if (target.protocol !== "http:" && target.protocol !== "https:")
      throw new TypeError(`unsupported URL scheme ${target.protocol}`);
  } catch (err) {
    return Promise.reject(transportError(err, signal, secrets));
  }
  const payload = body ? body() : null;
  const https = target.protocol === "https:";
  const request = https ? httpsRequest : httpRequest;
  return new Promise<UpstreamResponse>((resolve, reject) => {
    const allHeaders = payload ? { ...headers, "content-length": String(payload.byteLength) } : headers;
    const req = request(
      target,
      { method, headers: allHeaders, signal, agent: https ? HTTPS_AGENT : HTTP_AGENT },
      (res) => resolve(upstreamResponse(res)),
    );
    req.on("error", (err) => reject(transportError(err, signal, secrets)));
    req.end(payload ?? undefined);
  });
}

// Explicitly keep-alive (Node 20's global agents are too, but that is a default that has moved).
const HTTP_AGENT = new HttpAgent({ keepAlive: true });
const HTTPS_AGENT = new HttpsAgent({ keepAlive: true });

function upstreamResponse(res: IncomingMessage): UpstreamResponse {
  const status = res.statusCode ?? 0;
  // An error after the status line (reset, abort) surfaces to whoever reads the body.
  res.on("error", () => {});
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: {
      get(name) {
        const v = res.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
      },
    },
    body: {
      [Symbol.asyncIterator]() {
        const it = res[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
        return {
          next: () => it.next(),
          return: async () => {
            // Stopped reading. If the whole body has arrived (a reply's [DONE] is read before the
            // body's end), what is left is drained so the connection goes back to the keep-alive
            // pool; a body still arriving is cut at once, which stops the upstream generating.
            if (res.complete) res.resume();
            else res.destroy();
            return { done: true as const, value: undefined };
          },
        };
      },
    },
    async text() {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
  };
}

/** A failure before the status line: 0 when the upstream could not be reached, 408 on timeouts. */
export function transportError(err: unknown, signal: AbortSignal, secrets: KnownSecrets = []): UpstreamError {
  if (signal.aborted) return abortError(signal);
  if (err instanceof UpstreamError) return err;
  const code = errorCode(err);
  if (code && TIMEOUT_CODES.has(code)) return new UpstreamError(`upstream timed out (${code})`, 408);
  const detail = code ?? (err instanceof Error ? (causeOf(err)?.message ?? err.message) : String(err));
  // fetch names the URL it refused, credentials in it included.
  return new UpstreamError(`upstream unreachable (${upstreamText(detail, secrets)})`, 0);
}

/** A failure while reading the body of an accepted stream. */
export function streamError(err: unknown, signal: AbortSignal): UpstreamError {
  if (signal.aborted) return abortError(signal);
  if (err instanceof UpstreamError) return err;
  return new UpstreamError("upstream stream broke", 502);
}

/**
 * A non-2xx response as UpstreamError: the provider's own message when its body says one (with
 * `secrets`, the credentials the call carried, and anything like them removed: upstreams echo
 * them), and Retry-After.
 */
export async function errorFromResponse(
  res: UpstreamResponse,
  signal: AbortSignal,
  secrets: KnownSecrets = [],
): Promise<UpstreamError> {
  let text = "";
  try {
    text = await res.text();
  } catch (err) {
    if (signal.aborted) return abortError(signal);
  }
  const message = messageFromErrorBody(text, secrets) ?? `upstream returned HTTP ${res.status}`;
  return new UpstreamError(message, res.status, parseRetryAfter(res.headers));
}

/** `{error:{message}}` (OpenAI, Anthropic), `{error:"..."}`, `{message}`, `{detail}`, or short plain text; scrubbed of secrets. */
export function messageFromErrorBody(text: string, secrets: KnownSecrets = []): string | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  try {
    const body: unknown = JSON.parse(trimmed);
    if (isRecord(body)) {
      const found = messageOf(body.error) ?? messageOf(body);
      if (found) return upstreamText(found, secrets);
    }
  } catch {
    // not JSON
  }
  if (/^<(!doctype|html)/i.test(trimmed)) return undefined;
  return upstreamText(trimmed, secrets);
}

/** Text from an upstream as it may be shown, logged and stored: without secrets, and short. */
export function upstreamText(text: string, secrets: KnownSecrets = []): string {
  return clip(scrubSecrets(text.slice(0, SCRUB_WINDOW_CHARS), secrets));
}

function messageOf(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim()) return value.trim();
  if (!isRecord(value)) return undefined;
  for (const key of ["message", "detail", "error"] as const) {
    const v = value[key];
    if (typeof v === "string" && v.trim()) return v.trim();
  }
  return undefined;
}

/**
 * An error object delivered inside a 2xx stream (`data: {"error":{...}}`, Anthropic's `error`
 * event): its message, with a status guessed from its numeric code or its type.
 */
export function errorFromPayload(error: unknown, secrets: KnownSecrets = []): UpstreamError {
  const message = messageOf(error) ?? "upstream reported an error";
  return new UpstreamError(upstreamText(message, secrets), statusOfPayload(error));
}

function statusOfPayload(error: unknown): number {
  if (!isRecord(error)) return 502;
  for (const key of ["status", "code", "status_code"] as const) {
    const n = Number(error[key]);
    if (Number.isInteger(n) && n >= 400 && n <= 599) return n;
  }
  const kind = [error.type, error.code]
    .filter((v) => typeof v === "string")
    .join(" ")
    .toLowerCase();
  if (kind.includes("overloaded")) return 529;
  if (kind.includes("rate_limit") || kind.includes("insufficient_quota")) return 429;
  if (kind.includes("authentication") || kind.includes("invalid_api_key")) return 401;
  if (kind.includes("permission")) return 403;
  if (kind.includes("not_found")) return 404;
  if (kind.includes("too_large")) return 413;
  if (kind.includes("timeout")) return 408;
  if (kind.includes("invalid_request") || kind.includes("context_length")) return 400;
  if (kind.includes("server_error") || kind.includes("api_error")) return 500;
  return 502;
}

/** Seconds to wait from `retry-after-ms`, or `retry-after` as seconds or an HTTP date. */
export function parseRetryAfter(headers: { get(name: string): string | null }, now = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms) / 1000;
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * Wraps a generator so that `return()` (a `break` in for-await, or a consumer giving up) releases
 * the upstream body even when the generator never started: a fresh generator's `return()` skips
 * its `finally`.
 */
export function cancellable<T>(gen: AsyncGenerator<T>, cancel: () => void): AsyncIterableIterator<T> {
  const it: AsyncIterableIterator<T> = {
    next: () => gen.next(),
    return: async (value?: unknown) => {
      cancel();
      const r = await gen.return(value);
      return { done: true, value: r.value };
    },
    throw: (err?: unknown) => {
      cancel();
      return gen.throw(err);
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

function causeOf(err: Error): Error | undefined {
  return err.cause instanceof Error ? err.cause : undefined;
}

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    if (e instanceof AggregateError) {
      for (const inner of e.errors) {
        const c = (inner as { code?: unknown })?.code;
        if (typeof c === "string") return c;
      }
    }
  }
  return undefined;
}

/** The next message of an upstream SSE stream (undefined at its end), with abort and transport errors mapped. */
export async function nextSseMessage(
  reader: { read(): Promise<SseMessage | undefined> },
  signal: AbortSignal,
): Promise<SseMessage | undefined> {
  if (signal.aborted) throw abortError(signal);
  try {
    return await reader.read();
  } catch (err) {
    throw streamError(err, signal);
  }
}
