import { describe, expect, it } from "vitest";
import { countTextTokens } from "../router/tokens.ts";
import { createSimulatedAdapter } from "./simulated.ts";
import { SIM_EMBEDDING_DIMENSIONS, SIM_MAX_EMBEDDING_DIMENSIONS, simulatedEmbedding } from "./simulated-embeddings.ts";
import { UpstreamError, type ProviderConfig, type SimulationConfig } from "./types.ts";

const config = (simulation: SimulationConfig = {}): ProviderConfig => ({
  slug: "sim",
  kind: "SIMULATED",
  baseUrl: "",
  apiKey: null,
  simulation,
});
const fast: SimulationConfig = { first_token_ms: 0 };
const signal = () => new AbortController().signal;
const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe("simulated embeddings", () => {
  it("gives the same unit vector for the same model and text, another for another text or model", async () => {
    const adapter = createSimulatedAdapter(config(fast));
    const a = await adapter.embed!({ model: "sim-embed", input: ["the same text", "another text"] }, signal());
    const b = await adapter.embed!({ model: "sim-embed", input: ["the same text"] }, signal());
    expect(a.data[0]).toEqual(b.data[0]);
    expect(a.data[0]).not.toEqual(a.data[1]);
    expect(simulatedEmbedding("sim-other", "the same text", 8)).not.toEqual(
      simulatedEmbedding("sim-embed", "the same text", 8),
    );
    expect(a.data[0]).toHaveLength(SIM_EMBEDDING_DIMENSIONS);
    for (const v of a.data) expect(norm(v)).toBeCloseTo(1, 6);
    // Values are float32 already: a base64 round trip changes nothing.
    expect(a.data[0]!.every((x) => Math.fround(x) === x)).toBe(true);
    // Usage is the real tokenizer's count.
    expect(a.usage).toEqual({ prompt_tokens: countTextTokens("the same text") + countTextTokens("another text") });
  });

  it("honours dimensions (a shorter vector is the longer one cut and renormalised) and refuses too many", async () => {
    const adapter = createSimulatedAdapter(config(fast));
    const short = (await adapter.embed!({ model: "sim-embed", input: ["hello"], dimensions: 64 }, signal())).data[0]!;
    expect(short).toHaveLength(64);
    expect(norm(short)).toBeCloseTo(1, 6);
    const long = simulatedEmbedding("sim-embed", "hello", 256);
    const cut = long.slice(0, 64);
    const scale = norm(cut);
    short.forEach((x, i) => expect(x).toBeCloseTo(cut[i]! / scale, 6));
    const refused = await adapter.embed!(
      { model: "sim-embed", input: ["hello"], dimensions: SIM_MAX_EMBEDDING_DIMENSIONS + 1 },
      signal(),
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UpstreamError);
    expect((refused as UpstreamError).status).toBe(400);
  });

  it("counts token-id inputs by their length and embeds them apart from text", async () => {
    const out = await createSimulatedAdapter(config(fast)).embed!(
      { model: "sim-embed", input: [[1, 2, 3], [9]], dimensions: 8 },
      signal(),
    );
    expect(out.usage).toEqual({ prompt_tokens: 4 });
    expect(out.data[0]).toEqual(simulatedEmbedding("sim-embed", [1, 2, 3], 8));
    expect(out.data[0]).not.toEqual(simulatedEmbedding("sim-embed", "1,2,3", 8));
  });

  it("applies the simulation's error rate and latency, and stops when aborted", async () => {
    const failing = createSimulatedAdapter(config({ ...fast, error_rate: 1, error_status: 429 }), { random: () => 0 });
    const err = (await failing.embed!({ model: "sim-embed", input: ["x"] }, signal()).catch(
      (e: unknown) => e,
    )) as UpstreamError;
    expect([err.status, err.retryAfterSeconds]).toEqual([429, 1]);
    const slow = createSimulatedAdapter(config({ first_token_ms: 60 }));
    const started = Date.now();
    await slow.embed!({ model: "sim-embed", input: ["x"], dimensions: 4 }, signal());
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    const ctrl = new AbortController();
    const pending = createSimulatedAdapter(config({ first_token_ms: 10_000 })).embed!(
      { model: "sim-embed", input: ["x"] },
      ctrl.signal,
    );
    ctrl.abort();
    expect(((await pending.catch((e: unknown) => e)) as UpstreamError).status).toBe(499);
  });
});
