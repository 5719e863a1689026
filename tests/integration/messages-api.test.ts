// POST /api/v1/messages: Anthropic's Messages API through the one gateway pipeline, on both
// databases — routed, held, charged and logged like chat completions, answered in Anthropic's
// shapes (reply, stream events, errors), falling back across dialects.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { sql } from "../setup/test-db.ts";
import { waitUntil } from "../helpers/wait.ts";

let f: GatewayFixture;

beforeAll(async () => {
  f = await startGatewayFixture();
  await f.addProvider("oai", { priority: 90 });
  await f.addProvider("claude", { kind: "anthropic", priority: 10 });
  await f.addModel("oai", "mock-small", { level: "BALANCED", input: 1, output: 2, quality: 9 });
  await f.addModel("claude", "claude-mock", { level: "BALANCED", input: 3, output: 15, quality: 8 });
  await f.grant(f.user.id, 10);
});
afterAll(() => f?.close());
beforeEach(() => f.reset());

async function messages(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${f.app.url}/api/v1/messages`, {
    method: "POST",
    headers: {
      "x-api-key": f.userKey,
      "anthropic-version": "2023-06-01",
      "content-type": "application/json",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

const charged = async (requestId: string) => {
  const [row] = await sql<{ charged: string; ledger: string | null }>(
    f.url,
    `SELECT u.charged_micros::text AS charged, (SELECT (-sum(amount_micros))::text FROM ledger_entries WHERE idempotency_key = $2) AS ledger FROM usage_logs u WHERE u.id = $1`,
    [requestId, `charge:${requestId}`],
  );
  return row;
};

describe("POST /api/v1/messages", () => {
  it("answers a Messages request in Anthropic's shape, charged through the ledger like a chat completion", async () => {
    const res = await messages({
      model: "balanced",
      max_tokens: 64,
      system: "Be brief.",
      messages: [{ role: "user", content: "hello there" }],
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      type: "message",
      role: "assistant",
      model: "oai/mock-small",
      stop_reason: "end_turn",
      stop_sequence: null,
    });
    expect(body.id).toBe(`msg_${res.headers.get("x-request-id")}`);
    expect(body.content[0].type).toBe("text");
    expect(body.content[0].text.length).toBeGreaterThan(0);
    expect(body.usage.input_tokens).toBeGreaterThan(0);
    expect(body.usage.output_tokens).toBeGreaterThan(0);
    // The system prompt reached the upstream as OpenAI's system message.
    expect(f.mock.requests.at(-1)!.body.messages[0]).toEqual({ role: "system", content: "Be brief." });
    await new Promise((r) => setTimeout(r, 300));
    const money = await charged(res.headers.get("x-request-id")!);
    expect(money!.charged).toBe(money!.ledger);
    expect(Number(money!.charged)).toBeGreaterThan(0);
    // The usage row names the dialect; a chat completion's says so too.
    const chat = await f.asUser("/api/v1/chat/completions", {
      body: { model: "balanced", messages: [{ role: "user", content: "hi" }] },
    });
    await new Promise((r) => setTimeout(r, 300));
    const apis = await sql<{ id: string; api: string }>(
      f.url,
      "SELECT id, api FROM usage_logs WHERE id = ANY($1::text[]) ORDER BY api",
      [[res.headers.get("x-request-id"), chat.headers.get("x-request-id")]],
    );
    expect(apis.map((r) => r.api)).toEqual(["chat.completions", "messages"]);
  });

  it("streams Anthropic's event sequence, from an OpenAI-compatible upstream", async () => {
    const res = await messages({
      model: "balanced",
      max_tokens: 64,
      stream: true,
      messages: [{ role: "user", content: "hello there" }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const text = await res.text();
    const events = [...text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe("message_start");
    expect(events.slice(-2)).toEqual(["message_delta", "message_stop"]);
    expect(events).toContain("content_block_start");
    expect(events).toContain("content_block_delta");
    expect(events).toContain("content_block_stop");
    const delta = JSON.parse(/event: message_delta\ndata: (.*)\n/.exec(text)![1]!);
    expect(delta.delta.stop_reason).toBe("end_turn");
    expect(delta.usage.output_tokens).toBeGreaterThan(0);
  });

  it("falls back across dialects: the OpenAI-compatible provider fails, the Anthropic one serves", async () => {
    f.mock.setBehavior({ status: 503 }, { model: "mock-small" });
    const res = await messages({
      model: "balanced",
      max_tokens: 64,
      messages: [{ role: "user", content: "hello there" }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-fallback-count")).toBe("1");
    expect((await res.json()).model).toBe("claude/claude-mock");
  });

  it("refuses bad input with Anthropic's error shape and a 400, before any charge", async () => {
    const before = await sql<{ n: string }>(f.url, "SELECT count(*)::text AS n FROM usage_logs");
    const res = await messages({ model: "balanced", messages: [{ role: "user", content: "no max_tokens" }] });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(body.error.message).toContain("max_tokens");
    expect(await sql<{ n: string }>(f.url, "SELECT count(*)::text AS n FROM usage_logs")).toEqual(before);
    const denied = await messages(
      { model: "balanced", max_tokens: 5, messages: [{ role: "user", content: "hi" }] },
      { "x-api-key": "sk-not-a-key" },
    );
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
  });

  it("a stream that breaks after it started ends with Anthropic's error event, no message_stop, charged for what came", async () => {
    // From each kind of upstream: the break is the gateway's to say, in this dialect's own terms.
    for (const [model, upstream] of [
      ["oai/mock-small", "mock-small"],
      ["claude/claude-mock", "claude-mock"],
    ] as const) {
      f.mock.setBehavior({ breakAfterChunks: 3 }, { model: upstream });
      const res = await messages({
        model,
        max_tokens: 64,
        stream: true,
        messages: [{ role: "user", content: "hello there" }],
      });
      expect(res.status, model).toBe(200);
      const text = await res.text();
      const events = [...text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
      expect(events[0], model).toBe("message_start");
      expect(events.at(-1), model).toBe("error");
      expect(events, model).not.toContain("message_delta");
      expect(events, model).not.toContain("message_stop");
      const error = JSON.parse(/^event: error\ndata: (.*)$/m.exec(text)![1]!);
      expect(error, model).toEqual({
        type: "error",
        error: { type: "api_error", message: expect.stringContaining("stream failed after the response started") },
      });
      const said = [...text.matchAll(/^data: (.*)$/gm)]
        .map((m) => JSON.parse(m[1]!))
        .filter((d) => d.type === "content_block_delta")
        .map((d) => d.delta.text)
        .join("");
      expect(said, model).toBe("Hello from the");

      const requestId = res.headers.get("x-request-id")!;
      const row = await waitUntil(
        `the usage row of ${requestId}`,
        async () =>
          (
            await sql<{ status: string; completion_tokens: number; charged: string; ledger: string | null }>(
              f.url,
              `SELECT u.status, u.completion_tokens, u.charged_micros::text AS charged, (SELECT (-sum(amount_micros))::text FROM ledger_entries WHERE idempotency_key = $2) AS ledger FROM usage_logs u WHERE u.id = $1`,
              [requestId, `charge:${requestId}`],
            )
          )[0],
        5_000,
      );
      expect(row.status, model).toBe("error");
      expect(row.completion_tokens, model).toBeGreaterThan(0);
      expect(Number(row.charged), model).toBeGreaterThan(0);
      expect(row.ledger, model).toBe(row.charged);
    }
  });
});
