// The server's log through the real handlers on both databases: one JSON line per gateway request
// with the ids and numbers an operator greps for (the request id is the X-Request-Id and the
// usage row's id), never the prompt or the key; a client that goes away is info, not an error.
import { request as httpRequest } from "node:http";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logLevelFromEnv, setLogger } from "../../lib/log/logger.ts";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture.ts";
import { sql } from "../setup/test-db.ts";

let f: GatewayFixture;
const lines: Record<string, unknown>[] = [];
const raw: string[] = [];

beforeAll(async () => {
  f = await startGatewayFixture();
  await f.addProvider("lg", { priority: 90 });
  await f.addProvider("lg-broken", { priority: 10 });
  await f.addModel("lg", "mock-small", { level: "BALANCED" });
  await f.addModel("lg-broken", "mock-large", { level: "PRECISION" });
  await f.grant(f.user.id, 5);
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  setLogger(pino({ level: "info" }, sink));
});
afterAll(async () => {
  setLogger(undefined);
  await f?.close();
});

const PROMPT = "my-very-private-prompt-4711";
const gatewayLine = (requestId: string) => lines.find((l) => l.msg === "gateway request" && l.request_id === requestId);

describe("log lines", () => {
  it("one line per gateway request, traceable by its request id, without prompt or key", async () => {
    const ok = await f.asUser("/api/v1/chat/completions", {
      body: { model: "balanced", stream: true, messages: [{ role: "user", content: PROMPT }] },
    });
    f.mock.setBehavior({ status: 500 }, { model: "mock-large", once: true });
    const failed = await f.asUser("/api/v1/chat/completions", {
      body: { model: "lg-broken/mock-large", messages: [{ role: "user", content: PROMPT }] },
    });
    expect([ok.status, failed.status]).toEqual([200, 502]);

    const id = ok.headers.get("x-request-id")!;
    const line = gatewayLine(id);
    expect(line).toMatchObject({
      level: 30,
      user_id: f.user.id,
      provider: "lg",
      model: "lg/mock-small",
      power_level: "BALANCED",
      status: "success",
      stream: true,
      fallbacks: 0,
    });
    expect(line!.key_prefix).toBe(f.userKey.slice(0, 12));
    expect(typeof line!.latency_ms).toBe("number");
    expect(typeof line!.ttft_ms).toBe("number");
    expect(line!.cost_usd).toBeGreaterThan(0);
    // The same id names the usage row: one grep finds the complaint.
    const [row] = await sql<{ id: string }>(f.url, "SELECT id FROM usage_logs WHERE id = $1", [id]);
    expect(row?.id).toBe(id);

    const bad = gatewayLine(failed.headers.get("x-request-id")!);
    expect(bad).toMatchObject({ level: 40, status: "error", provider: "lg-broken", upstream_status: 500 });
    const everything = raw.join("\n");
    expect(everything).not.toContain(PROMPT);
    expect(everything).not.toContain(f.userKey);
    expect(everything).not.toContain("upstream-secret");
  });

  it("a client that goes away while sending its body is info, not an unhandled error", async () => {
    const before = lines.length;
    await new Promise<void>((resolve) => {
      const url = new URL(`${f.app.url}/api/v1/chat/completions`);
      const req = httpRequest({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: { authorization: `Bearer ${f.userKey}`, "content-type": "application/json", "content-length": "5000" },
      });
      req.on("error", () => resolve());
      req.write('{"model":"balanced","messages":[');
      setTimeout(() => {
        req.destroy();
        setTimeout(resolve, 300);
      }, 100);
    });
    const after = lines.slice(before);
    expect(after.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(after.some((l) => l.msg === "client closed the request" && l.level === 30)).toBe(true);
  });

  it("LOG_LEVEL is read strictly", () => {
    expect(logLevelFromEnv({})).toBe("info");
    expect(logLevelFromEnv({ LOG_LEVEL: "DEBUG" })).toBe("debug");
    expect(() => logLevelFromEnv({ LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL="loud" must be one of silent/);
  });
});
