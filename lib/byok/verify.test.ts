// How a BYOK key check reads each answer (or non-answer) of the provider's model list, with the
// HTTP call injected: what is asked where, and which outcome and sentence each case gives.
import { describe, expect, it } from "vitest";
import { transportError, type UpstreamResponse } from "../providers/http.ts";
import { UpstreamError } from "../providers/types.ts";
import { checkProviderKey, modelListRequest, type HttpGet, type VerifyTarget } from "./verify.ts";

const KEY = "sk-test-abcdefghijklmnopqrstuvwxyz012345";
const openai: VerifyTarget = { name: "Acme", kind: "OPENAI_COMPATIBLE", baseUrl: "https://api.acme.test/v1/" };

function answer(status: number, body = ""): Awaited<ReturnType<HttpGet>> {
  let released = false;
  const res: Pick<UpstreamResponse, "status" | "text" | "body"> & { released: () => boolean } = {
    status,
    text: async () => body,
    body: {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ done: true as const, value: undefined }),
        return: async () => ((released = true), { done: true as const, value: undefined }),
      }),
    },
    released: () => released,
  };
  return res;
}

function failing(err: unknown): HttpGet {
  return async () => {
    throw err;
  };
}

describe("modelListRequest", () => {
  it("asks an OpenAI-compatible provider's /models with a Bearer token", () => {
    expect(modelListRequest(openai, KEY)).toEqual({
      url: "https://api.acme.test/v1/models",
      headers: { accept: "application/json", authorization: `Bearer ${KEY}` },
    });
  });

  it("asks Anthropic's /v1/models with x-api-key and its version, whether or not the base URL ends in /v1", () => {
    for (const baseUrl of ["https://api.anthropic.com", "https://api.anthropic.com/", "https://api.anthropic.com/v1"]) {
      const req = modelListRequest({ kind: "ANTHROPIC", baseUrl }, KEY);
      expect(req.url).toBe("https://api.anthropic.com/v1/models");
      expect(req.headers).toMatchObject({ "x-api-key": KEY, "anthropic-version": "2023-06-01" });
      expect(req.headers.authorization).toBeUndefined();
    }
  });
});

describe("checkProviderKey", () => {
  it("accepts on a 2xx and lets the list go unread", async () => {
    const res = answer(200, '{"data":[]}');
    const seen: string[] = [];
    const check = await checkProviderKey(openai, KEY, { get: async (url) => (seen.push(url), res) });
    expect(check).toEqual({ outcome: "accepted" });
    expect(seen).toEqual(["https://api.acme.test/v1/models"]);
    expect((res as unknown as { released: () => boolean }).released()).toBe(true);
  });

  it("needs no call for a simulated provider", async () => {
    const check = await checkProviderKey({ name: "Sim", kind: "SIMULATED", baseUrl: "http://sim" }, KEY, {
      get: failing(new Error("must not be called")),
    });
    expect(check).toEqual({ outcome: "not_needed" });
  });

  it("reports a 401 or 403 as a refusal naming the provider, the status and its reason without the key", async () => {
    for (const status of [401, 403]) {
      const check = await checkProviderKey(openai, KEY, {
        get: async () => answer(status, JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } })),
      });
      expect(check.outcome).toBe("rejected");
      if (check.outcome !== "rejected") continue;
      expect(check.status).toBe(status);
      expect(check.message).toMatch(
        new RegExp(`^Acme refused this key \\(HTTP ${status}: Incorrect API key provided: \\[redacted\\]\\)`),
      );
      expect(check.message).not.toContain(KEY.slice(10));
    }
  });

  it("reports a refused connection, an unknown host and a timeout as unreachable, saying which and where", async () => {
    const signal = new AbortController().signal;
    const refused = await checkProviderKey({ ...openai, baseUrl: "http://127.0.0.1:1/v1" }, KEY, {
      get: failing(transportError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), signal)),
    });
    expect(refused).toMatchObject({
      outcome: "unreachable",
      message:
        "Could not reach Acme (connection refused at http://127.0.0.1:1/v1) to check the key. Save it unverified?",
    });
    const dns = await checkProviderKey(openai, KEY, {
      get: failing(transportError(Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" }), signal)),
    });
    expect(dns).toMatchObject({ outcome: "unreachable", why: "host not found at https://api.acme.test/v1" });
    const slow = await checkProviderKey(openai, KEY, { get: failing(new UpstreamError("upstream timed out", 408)) });
    expect(slow).toMatchObject({ outcome: "unreachable", why: "no answer within 10 s at https://api.acme.test/v1" });
  });

  it("gives up after the timeout when the provider never answers", async () => {
    const hang: HttpGet = (_url, _headers, signal) =>
      new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(transportError(new Error("aborted"), signal))),
      );
    const check = await checkProviderKey(openai, KEY, { get: hang, timeoutMs: 50 });
    expect(check).toMatchObject({ outcome: "unreachable", why: "no answer within 50 ms at https://api.acme.test/v1" });
  });

  it("reports a 5xx as unreachable and another status as saying nothing about the key", async () => {
    const down = await checkProviderKey(openai, KEY, { get: async () => answer(503, "overloaded") });
    expect(down).toMatchObject({
      outcome: "unreachable",
      message: "Could not reach Acme (HTTP 503 at https://api.acme.test/v1) to check the key. Save it unverified?",
    });
    const missing = await checkProviderKey(openai, KEY, { get: async () => answer(404) });
    expect(missing.outcome).toBe("unreachable");
    if (missing.outcome === "unreachable") expect(missing.message).toContain("answered HTTP 404");
  });

  it("never shows credentials from the base URL", async () => {
    const check = await checkProviderKey(
      { ...openai, baseUrl: "https://user:hunter2hunter2@api.acme.test/v1?key=abcdef" },
      KEY,
      { get: async () => answer(502) },
    );
    expect(check.outcome === "unreachable" && check.message).toBe(
      "Could not reach Acme (HTTP 502 at https://api.acme.test/v1) to check the key. Save it unverified?",
    );
  });
});
