/**
 * Checks a BYOK key before it is stored, with a call that costs nothing: the provider's model list
 * (`GET {base_url}/models` with `Authorization: Bearer` for OpenAI-compatible providers,
 * `GET …/v1/models` with `x-api-key` and `anthropic-version` for Anthropic, built as the adapter
 * builds its URL). Three answers matter:
 *
 * - 2xx: the provider accepted the key;
 * - 401/403: it refused the key (its own reason is kept, scrubbed of credentials);
 * - anything that is not an answer about the key: no connection (refused, DNS, TLS), no answer
 *   within VERIFY_TIMEOUT_MS, a 5xx, or another status the model list should not give (404 from an
 *   endpoint without a model list, 429, a redirect). The key may well be good: the caller decides
 *   whether to keep it unverified.
 *
 * Simulated providers accept any key, so there is nothing to ask them. The HTTP call is injected
 * (`get`), so the outcomes can be tested without a network.
 */
import { ANTHROPIC_VERSION, anthropicUrl } from "../providers/anthropic.ts";
import { getRequest, joinUrl, messageFromErrorBody, type UpstreamResponse } from "../providers/http.ts";
import { UpstreamError } from "../providers/types.ts";
import { scrubSecrets, type KnownSecrets } from "../security/scrub.ts";
import type { ProviderKindDb } from "../catalog/provider-kinds.ts";

export const VERIFY_TIMEOUT_MS = 10_000;
/** The provider's reason, as shown in the form: enough for "Incorrect API key provided", no essays. */
const MAX_REASON_CHARS = 300;

/** The provider a key is for: its display name (messages say it), kind and base URL. */
export type VerifyTarget = { name: string; kind: ProviderKindDb; baseUrl: string };

/**
 * The HTTP GET, injectable. Resolves with the response whatever its status; rejects when no answer
 * came (lib/providers/http.ts rejects with UpstreamError: status 0 with the transport's error
 * code, 408 on timeouts). `secrets` are the credentials the call carries.
 */
export type HttpGet = (
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  secrets: KnownSecrets,
) => Promise<Pick<UpstreamResponse, "status" | "text" | "body">>;

export type KeyCheck =
  /** The model list answered 2xx with the key. */
  | { outcome: "accepted" }
  /** Simulated provider: nothing to ask. */
  | { outcome: "not_needed" }
  /** 401/403: `message` names the provider, the status and its scrubbed reason. */
  | { outcome: "rejected"; status: number; reason: string | null; message: string }
  /** No answer about the key; `why` says what happened ("connection refused at http://…"), `message` asks whether to save anyway. */
  | { outcome: "unreachable"; why: string; message: string };

/** The model-list request for a provider and key: where it goes and what it carries. */
export function modelListRequest(
  target: Pick<VerifyTarget, "kind" | "baseUrl">,
  apiKey: string,
): { url: string; headers: Record<string, string> } {
  if (target.kind === "ANTHROPIC") {
    return {
      url: anthropicUrl(target.baseUrl, "/models"),
      headers: { accept: "application/json", "x-api-key": apiKey, "anthropic-version": ANTHROPIC_VERSION },
    };
  }
  return {
    url: joinUrl(target.baseUrl, "/models"),
    headers: { accept: "application/json", authorization: `Bearer ${apiKey}` },
  };
}

/** Asks the provider whether it accepts `apiKey` (see the file comment). Never throws. */
export async function checkProviderKey(
  target: VerifyTarget,
  apiKey: string,
  deps: { get?: HttpGet; timeoutMs?: number } = {},
): Promise<KeyCheck> {
  if (target.kind === "SIMULATED") return { outcome: "not_needed" };
  const get = deps.get ?? getRequest;
  const timeoutMs = deps.timeoutMs ?? VERIFY_TIMEOUT_MS;
  const { url, headers } = modelListRequest(target, apiKey);
  const secrets = [apiKey];
  const where = shownUrl(target.baseUrl);
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Awaited<ReturnType<HttpGet>>;
  try {
    res = await get(url, headers, signal, secrets);
  } catch (err) {
    return unreachable(target.name, `${transportWords(err, timeoutMs, secrets)} at ${where}`);
  }
  if (res.status >= 200 && res.status < 300) {
    await release(res);
    return { outcome: "accepted" };
  }
  if (res.status === 401 || res.status === 403) {
    let text = "";
    try {
      text = await res.text();
    } catch {
      // the status says enough
    }
    const reason = clip(messageFromErrorBody(text, secrets) ?? null);
    const message = `${target.name} refused this key (HTTP ${res.status}${reason ? `: ${reason}` : ""}). Nothing was saved: check that you copied the whole key.`;
    return { outcome: "rejected", status: res.status, reason, message };
  }
  await release(res);
  if (res.status >= 500) return unreachable(target.name, `HTTP ${res.status} at ${where}`);
  return {
    outcome: "unreachable",
    why: `HTTP ${res.status} at ${where}`,
    message: `Could not check the key with ${target.name}: its model list answered HTTP ${res.status} at ${where}, which says nothing about the key. Save it unverified?`,
  };
}

function unreachable(name: string, why: string): KeyCheck {
  return {
    outcome: "unreachable",
    why,
    message: `Could not reach ${name} (${why}) to check the key. Save it unverified?`,
  };
}

const TRANSPORT_WORDS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EAI_NONAME: "host not found",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EHOSTDOWN: "host down",
  ETIMEDOUT: "connection timed out",
};

/** What kept the model list from answering, in a few words ("connection refused", "no answer within 10 s"). */
function transportWords(err: unknown, timeoutMs: number, secrets: KnownSecrets): string {
  if (err instanceof UpstreamError && err.status === 408) return `no answer within ${formatSeconds(timeoutMs)}`;
  const text = err instanceof Error ? err.message : String(err);
  // lib/providers/http.ts names the transport's code: "upstream unreachable (ECONNREFUSED)".
  const code = /\(([A-Z][A-Z0-9_]+)\)$/.exec(text)?.[1] ?? (err as { code?: unknown })?.code;
  if (typeof code === "string") {
    if (TRANSPORT_WORDS[code]) return TRANSPORT_WORDS[code];
    if (/CERT|TLS|SSL/.test(code)) return `TLS certificate not accepted: ${code}`;
    return code;
  }
  return scrubSecrets(text.replace(/^upstream unreachable \((.*)\)$/, "$1"), secrets).slice(0, 200);
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** The base URL as users may see it: without credentials or query strings that could hold them. */
function shownUrl(baseUrl: string): string {
  try {
    const u = new URL(baseUrl);
    return scrubSecrets(`${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`);
  } catch {
    return scrubSecrets(baseUrl);
  }
}

function clip(text: string | null): string | null {
  if (!text) return null;
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS)}…` : text;
}

/** Lets the connection go without reading a body nobody needs (a model list can be large). */
async function release(res: Pick<UpstreamResponse, "body">): Promise<void> {
  try {
    await res.body?.[Symbol.asyncIterator]().return?.();
  } catch {
    // already gone
  }
}
