import { describe, expect, it } from "vitest";
import { prepareCatalog } from "./catalog.ts";
import type { HardFilterContext, ProviderState } from "./filters.ts";
import { hardFilterReason, healthOf, keyAvailable, markProviders, maxCostCode, successRateOf } from "./filters.ts";
import { REASON } from "./reasons.ts";
import { seedModels, withModel, withProvider } from "./test-fixtures.ts";
import type { RouterModel } from "./types.ts";

const base: HardFilterContext = {
  privacyRequired: false,
  promptTokens: 1_000,
  maxOutputTokens: 1_000,
  needVision: false,
  needTools: false,
  needJson: false,
  embeddings: false,
  region: null,
  maxCostMicros: null,
};

const open: ProviderState = { excludedByRule: null, byok: false, circuitOpen: false };

function check(
  models: RouterModel[],
  publicId: string,
  ctx: Partial<HardFilterContext> = {},
  state: Partial<ProviderState> = {},
) {
  const cat = prepareCatalog(models);
  return hardFilterReason(cat, cat.lookup.get(publicId)!, { ...open, ...state }, 5_000, { ...base, ...ctx });
}

describe("hard filters", () => {
  const all = seedModels();

  it("passes a model that can serve", () => {
    expect(check(all, "openai/gpt-4o-mini")).toBeNull();
  });

  it("privacy keeps local providers only", () => {
    expect(check(all, "openai/gpt-4o-mini", { privacyRequired: true })).toBe(
      "privacy required: openai is a cloud provider",
    );
    expect(check(all, "local/Qwen/Qwen2.5-32B-Instruct-AWQ", { privacyRequired: true })).toBeNull();
  });

  it("needs the context window to hold prompt plus max output", () => {
    expect(
      check(all, "local/meta-llama/Meta-Llama-3-8B-Instruct", { promptTokens: 11_000, maxOutputTokens: 1_000 }),
    ).toBe("context window 8192 < 12000 needed");
    expect(
      check(all, "local/meta-llama/Meta-Llama-3-8B-Instruct", { promptTokens: 7_192, maxOutputTokens: 1_000 }),
    ).toBeNull();
  });

  it("needs vision for images and tools for tool calls", () => {
    expect(check(all, "openrouter/meta-llama/llama-3.3-70b-instruct", { needVision: true })).toBe(
      "no vision support (request has images)",
    );
    expect(check(all, "openrouter/meta-llama/llama-3.3-70b-instruct", { needTools: true })).toBe(
      "no tools support (request uses tools)",
    );
    expect(check(all, "openai/gpt-4o-mini", { needVision: true, needTools: true })).toBeNull();
  });

  it("needs the json capability for JSON output, and keeps chat and embeddings models apart", () => {
    expect(check(all, "anthropic/claude-3-5-sonnet-latest", { needJson: true })).toBe(
      "no JSON output support (request sets response_format)",
    );
    const json = all.map((m) =>
      m.upstreamId === "gpt-4o-mini" ? { ...m, capabilities: [...m.capabilities, "json"] } : m,
    );
    expect(check(json, "openai/gpt-4o-mini", { needJson: true })).toBeNull();
    const embedder = {
      ...all.find((m) => m.upstreamId === "gpt-4o-mini")!,
      id: "emb",
      upstreamId: "text-embedding-x",
      capabilities: ["embeddings"],
    };
    const withEmbedder = [...all, embedder];
    expect(check(withEmbedder, "openai/text-embedding-x")).toBe("an embeddings model (not for chat)");
    expect(check(withEmbedder, "openai/text-embedding-x", { embeddings: true })).toBeNull();
    expect(check(withEmbedder, "openai/gpt-4o-mini", { embeddings: true })).toBe("not an embeddings model");
  });

  it("matches the region exactly; global does not count as eu", () => {
    expect(check(all, "mistral/mistral-small-latest", { region: "eu" })).toBeNull();
    expect(check(all, "openrouter/meta-llama/llama-3.3-70b-instruct", { region: "eu" })).toBe(
      "region global, request needs eu",
    );
    expect(check(all, "openai/gpt-4o-mini", { region: "eu" })).toBe("region us, request needs eu");
  });

  it("needs a usable key: none needed, a platform key, or the caller's BYOK", () => {
    const seed = seedModels({ platformKeys: "seed" });
    expect(check(seed, "local/Qwen/Qwen2.5-32B-Instruct-AWQ")).toBeNull();
    expect(check(seed, "openrouter/meta-llama/llama-3.3-70b-instruct")).toBeNull();
    expect(check(seed, "openai/gpt-4o-mini")).toBe("no key for openai (needs a platform key or your own BYOK key)");
    expect(check(seed, "openai/gpt-4o-mini", {}, { byok: true })).toBeNull();
  });

  it("drops disabled providers and models", () => {
    expect(check(withProvider(all, "openai", { enabled: false }), "openai/gpt-4o-mini")).toBe(
      "provider openai disabled",
    );
    expect(check(withModel(all, "openai/gpt-4o-mini", { enabled: false }), "openai/gpt-4o-mini")).toBe(
      "model disabled",
    );
  });

  it("drops providers whose circuit is open", () => {
    expect(check(all, "openai/gpt-4o-mini", {}, { circuitOpen: true })).toBe(
      "provider openai unhealthy (circuit open)",
    );
  });

  it("drops candidates estimated above max_cost_usd", () => {
    expect(check(all, "openai/gpt-4o-mini", { maxCostMicros: 4_999 })).toBe(
      "estimated cost $0.005 > max_cost_usd $0.004999",
    );
    expect(check(all, "openai/gpt-4o-mini", { maxCostMicros: 5_000 })).toBeNull();
    expect(maxCostCode(5_001, null)).toBe(REASON.OK);
  });

  it("reports rule exclusions by rule name, before anything else", () => {
    expect(
      check(
        all,
        "groq/mixtral-8x7b-32768",
        { privacyRequired: true },
        { excludedByRule: "no-groq", circuitOpen: true },
      ),
    ).toBe('provider groq excluded by rule "no-groq"');
  });
});

describe("provider facts", () => {
  const cat = prepareCatalog(seedModels({ platformKeys: "seed" }));
  const at = (slug: string) => cat.providers.findIndex((p) => p.slug === slug);

  it("marks BYOK providers by id or slug, and only where a key is needed", () => {
    const out = new Uint8Array(cat.providers.length);
    markProviders(cat, ["prov-openai", "anthropic", "local", "nope"], out, true);
    expect(out[at("openai")]).toBe(1);
    expect(out[at("anthropic")]).toBe(1);
    expect(out[at("local")]).toBe(0);
    expect(out.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it("knows when a key is available", () => {
    const p = (slug: string) => cat.providers[at(slug)]!;
    expect(keyAvailable(p("local"), false)).toBe(true);
    expect(keyAvailable(p("openrouter"), false)).toBe(true);
    expect(keyAvailable(p("openai"), false)).toBe(false);
    expect(keyAvailable(p("openai"), true)).toBe(true);
  });

  it("reads health by id or slug and treats unknown as healthy", () => {
    const openai = cat.providers[at("openai")]!;
    expect(healthOf({ "prov-openai": { circuitOpen: true } }, openai)?.circuitOpen).toBe(true);
    expect(healthOf({ openai: { circuitOpen: false, successRate: 0.8 } }, openai)?.successRate).toBe(0.8);
    expect(healthOf(undefined, openai)).toBeUndefined();
    expect(successRateOf(undefined)).toBe(1);
    expect(successRateOf({ circuitOpen: false, successRate: 1.5 })).toBe(1);
    expect(successRateOf({ circuitOpen: false, successRate: 0.25 })).toBe(0.25);
  });
});
