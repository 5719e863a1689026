// decideRoute for embeddings requests: only "embeddings" models, the context check per input,
// the hold's prompt bound capped at window × inputs, and a pinned chat model refused.
import { describe, expect, it } from "vitest";
import { decideRoute } from "./decide.ts";
import { routeInput, seedModels } from "./test-fixtures.ts";
import type { RouterModel } from "./types.ts";

const chat = seedModels();
const openai = chat.find((m) => m.provider.slug === "openai")!.provider;
const mistral = chat.find((m) => m.provider.slug === "mistral")!.provider;
const embedder = (upstreamId: string, over: Partial<RouterModel> = {}): RouterModel => ({
  id: `m-${upstreamId}`,
  upstreamId,
  name: upstreamId,
  powerLevel: "ECO",
  inputPricePer1M: 20_000,
  outputPricePer1M: 0,
  latencyMs: 200,
  quality: 8,
  contextTokens: 8191,
  capabilities: ["embeddings"],
  enabled: true,
  provider: openai,
  ...over,
});
const catalog = [
  ...chat,
  embedder("text-embedding-3-small"),
  embedder("text-embedding-3-large", { powerLevel: "BALANCED", inputPricePer1M: 130_000, quality: 9 }),
  embedder("mistral-embed", { provider: mistral, inputPricePer1M: 100_000 }),
];
const embeddings = (over: Parameters<typeof routeInput>[0] = {}) =>
  routeInput({
    catalog,
    promptTokens: 10,
    promptTokensBound: 100,
    maxOutputTokens: 0,
    ...over,
    request: { model: "auto", operation: "embeddings", taskType: "rag", ...over.request },
  });

describe("embeddings routing", () => {
  it("routes among embeddings models only, and chat never to them", () => {
    const d = decideRoute(embeddings());
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    const ids = [d.primary, ...d.fallbacks].map((c) => c.model);
    expect(ids.every((id) => /embed/.test(id))).toBe(true);
    expect(d.primary.model).toBe("openai/text-embedding-3-large"); // BALANCED by default
    const eco = decideRoute(embeddings({ request: { model: "eco" } }));
    expect(eco.ok && eco.primary.model).toBe("openai/text-embedding-3-small");
    const talk = decideRoute(routeInput({ catalog }));
    expect(talk.ok && [talk.primary, ...talk.fallbacks].some((c) => /embed/.test(c.model))).toBe(false);
  });

  it("prices the hold on the bound, capped at the window for each input", () => {
    const small = (d: ReturnType<typeof decideRoute>) =>
      d.ok
        ? [d.primary, ...d.fallbacks].find((c) => c.model === "openai/text-embedding-3-small")!.estimatedCostMicros
        : -1;
    // 100 bytes of bound at $0.02/M: ceil(100 × 20_000 / 1e6) = 2 µ$.
    expect(small(decideRoute(embeddings({ request: { model: "eco" } })))).toBe(2);
    // 3 inputs bounded by 60,000 bytes: one window (8191) would under-hold; three windows (24,573) hold.
    const three = decideRoute(embeddings({ request: { model: "eco" }, promptTokensBound: 60_000, promptInputs: 3 }));
    expect(small(three)).toBe(Math.ceil((3 * 8191 * 20_000) / 1e6));
    const one = decideRoute(embeddings({ request: { model: "eco" }, promptTokensBound: 60_000 }));
    expect(small(one)).toBe(Math.ceil((8191 * 20_000) / 1e6));
  });

  it("checks each input against the window, not their sum", () => {
    // promptTokens is the longest input: 5,000 fits 8191 however many inputs there are.
    expect(decideRoute(embeddings({ promptTokens: 5_000, promptTokensBound: 200_000, promptInputs: 40 })).ok).toBe(
      true,
    );
    const tooLong = decideRoute(embeddings({ promptTokens: 9_000, promptTokensBound: 40_000 }));
    expect(tooLong.ok).toBe(false);
    // Chat models' larger windows do not count: the input is too long for every embeddings model.
    if (!tooLong.ok) expect([tooLong.code, tooLong.status]).toEqual(["context_length_exceeded", 400]);
  });

  it("refuses a pinned chat model with unsupported_by_model, and serves a pinned embeddings model alone", () => {
    const pinnedChat = decideRoute(embeddings({ request: { model: "openai/gpt-4o-mini" } }));
    expect(pinnedChat.ok).toBe(false);
    if (!pinnedChat.ok) expect([pinnedChat.code, pinnedChat.status]).toEqual(["unsupported_by_model", 400]);
    const pinned = decideRoute(embeddings({ request: { model: "openai/text-embedding-3-small" } }));
    expect(pinned.ok && pinned.primary.model).toBe("openai/text-embedding-3-small");
    const forChat = decideRoute(routeInput({ catalog, request: { model: "openai/text-embedding-3-small" } }));
    expect(!forChat.ok && forChat.code).toBe("unsupported_by_model");
  });
});
