import { describe, expect, it } from "vitest";
import { collect, collectUntilError, finishReasonOf, textOf, usageOf } from "../../tests/doubles/stream-helpers.ts";
import { countTextTokens, estimatePromptTokens } from "../router/tokens.ts";
import { createAdapter } from "./registry.ts";
import { createSimulatedAdapter, defaultReply } from "./simulated.ts";
import { UpstreamError, type ProviderConfig, type SimulationConfig, type UpstreamChatRequest } from "./types.ts";

const config = (simulation: SimulationConfig = {}): ProviderConfig => ({ slug: "sim", kind: "SIMULATED", baseUrl: "", apiKey: null, simulation });
const fast: SimulationConfig = { first_token_ms: 0, tokens_per_second: 0 };
const request = (over: Partial<UpstreamChatRequest> = {}): UpstreamChatRequest => ({
  model: "sim-1",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "What is the capital of France?" },
  ],
  ...over,
});
const signal = () => new AbortController().signal;

function timeoutCount(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
}

describe("simulated adapter", () => {
  it("streams a deterministic reply echoing the prompt, with usage from the real tokenizer", async () => {
    const req = request();
    const events = await collect(await createSimulatedAdapter(config(fast)).stream(req, signal()));
    const text = textOf(events);
    expect(text).toMatch(/^Simulated reply from sim-1: you said "What is the capital of France\?"\./);
    expect(text).toBe(defaultReply(req));
    expect(events[0]).toMatchObject({ type: "chunk", choices: [{ delta: { role: "assistant", content: "" } }] });
    expect(finishReasonOf(events)).toBe("stop");
    const usage = usageOf(events)!;
    expect(usage).toEqual({ prompt_tokens: estimatePromptTokens(req.messages), completion_tokens: countTextTokens(text) });
    expect(usage.completion_tokens).toBeGreaterThanOrEqual(30);
    expect(usage.completion_tokens).toBeLessThanOrEqual(60);
    expect(events.at(-1)?.type).toBe("usage");
    // word by word
    expect(events.filter((e) => e.type === "chunk").length).toBeGreaterThan(10);
    const again = await collect(await createSimulatedAdapter(config(fast)).stream(req, signal()));
    expect(textOf(again)).toBe(text);
  });

  it("keeps default replies within 30-60 tokens for short, empty and long prompts", () => {
    for (const content of ["", "hi", "word ".repeat(500), "Explain quantum entanglement to a five year old using only analogies from cooking"]) {
      const n = countTextTokens(defaultReply({ model: "provider-model-with-a-long-name", messages: [{ role: "user", content }] }));
      expect(n, content.slice(0, 20)).toBeGreaterThanOrEqual(30);
      expect(n, content.slice(0, 20)).toBeLessThanOrEqual(60);
    }
  });

  it("uses the configured reply", async () => {
    const events = await collect(await createSimulatedAdapter(config({ ...fast, reply: "Fixed answer here." })).stream(request(), signal()));
    expect(textOf(events)).toBe("Fixed answer here.");
    expect(usageOf(events)?.completion_tokens).toBe(countTextTokens("Fixed answer here."));
  });

  it("waits first_token_ms and paces tokens at tokens_per_second", async () => {
    const reply = Array.from({ length: 20 }, (_, i) => `w${i}`).join(" ");
    const t0 = Date.now();
    const iterable = await createSimulatedAdapter(config({ first_token_ms: 100, tokens_per_second: 200, reply })).stream(request(), signal());
    const times: number[] = [];
    const events = [];
    for await (const e of iterable) {
      events.push(e);
      times.push(Date.now() - t0);
    }
    expect(textOf(events)).toBe(reply);
    expect(times[0]).toBeGreaterThanOrEqual(90);
    // All tokens but the last ones have to be paid for at 200/s (5 ms each) after the first token.
    const tokens = usageOf(events)!.completion_tokens;
    const lastPiece = countTextTokens(" w19");
    const minimum = 100 + ((tokens - lastPiece) * 1000) / 200;
    expect(times.at(-1)!).toBeGreaterThanOrEqual(minimum * 0.9);
    expect(times.at(-1)!).toBeLessThan(minimum + 2000);
  });

  it("is as fast as possible with tokens_per_second 0 or very large", async () => {
    for (const tokens_per_second of [0, 1e9]) {
      const t0 = Date.now();
      const events = await collect(await createSimulatedAdapter(config({ first_token_ms: 0, tokens_per_second })).stream(request(), signal()));
      expect(usageOf(events)).toBeDefined();
      expect(Date.now() - t0).toBeLessThan(500);
    }
  });

  it("fails with error_status at error_rate, before any event", async () => {
    const err = await createSimulatedAdapter(config({ ...fast, error_rate: 1, error_status: 429 })).stream(request(), signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).status).toBe(429);

    const defaults = await createSimulatedAdapter(config({ ...fast, error_rate: 1 })).stream(request(), signal()).catch((e: unknown) => e);
    expect((defaults as UpstreamError).status).toBe(503);

    const sometimes = (r: number) => createSimulatedAdapter(config({ ...fast, error_rate: 0.5 }), { random: () => r }).stream(request(), signal());
    await expect(sometimes(0.49)).rejects.toBeInstanceOf(UpstreamError);
    await expect(sometimes(0.5).then(collect)).resolves.toBeDefined();
  });

  it("honours max_tokens with finish_reason length", async () => {
    for (const max_tokens of [1, 5, 12]) {
      const events = await collect(await createSimulatedAdapter(config(fast)).stream(request({ max_tokens }), signal()));
      expect(finishReasonOf(events)).toBe("length");
      const usage = usageOf(events)!;
      expect(usage.completion_tokens).toBeLessThanOrEqual(max_tokens);
      expect(usage.completion_tokens).toBeGreaterThanOrEqual(Math.min(max_tokens, 1));
      expect(countTextTokens(textOf(events))).toBeLessThanOrEqual(max_tokens);
    }
    const all = await collect(await createSimulatedAdapter(config(fast)).stream(request({ max_completion_tokens: 1000 }), signal()));
    expect(finishReasonOf(all)).toBe("stop");
  });

  it("stops promptly on abort, clearing its timers", async () => {
    const before = timeoutCount();
    const ctrl = new AbortController();
    const iterator = (await createSimulatedAdapter(config({ first_token_ms: 10_000 })).stream(request(), ctrl.signal))[Symbol.asyncIterator]();
    const pending = iterator.next();
    await new Promise((r) => setTimeout(r, 20));
    expect(timeoutCount()).toBeGreaterThan(before);
    const t0 = Date.now();
    ctrl.abort();
    const err = await pending.catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(200);
    expect([(err as UpstreamError).status, (err as UpstreamError).message]).toEqual([499, "aborted"]);
    expect(timeoutCount()).toBeLessThanOrEqual(before);
  });

  it("abort mid-stream ends the iterator with 499", async () => {
    const ctrl = new AbortController();
    const iterable = await createSimulatedAdapter(config({ first_token_ms: 0, tokens_per_second: 50 })).stream(request(), ctrl.signal);
    setTimeout(() => ctrl.abort(), 60);
    const { events, error } = await collectUntilError(iterable);
    expect(events.length).toBeGreaterThan(0);
    expect(usageOf(events)).toBeUndefined();
    expect((error as UpstreamError).status).toBe(499);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(createSimulatedAdapter(config(fast)).stream(request(), ctrl.signal)).rejects.toMatchObject({ status: 499 });
  });

  it("is what the registry builds for kind SIMULATED", async () => {
    const events = await collect(await createAdapter(config(fast)).stream(request(), signal()));
    expect(usageOf(events)).toBeDefined();
  });
});
