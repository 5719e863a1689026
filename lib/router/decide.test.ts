import { describe, expect, it } from "vitest";
import { TASK_PREFERENCES } from "./catalog-defaults.ts";
import { prepareCatalog } from "./catalog.ts";
import { computeCostMicros } from "./cost.ts";
import { decideRoute } from "./decide.ts";
import { routeInput, rule, seedModels, shuffled, withModel, withoutProvider, withProvider } from "./test-fixtures.ts";
import type { RouteCandidate, RouteDecision, RouteFailure, RouteInput, RouteResult } from "./types.ts";

function ok(r: RouteResult): RouteDecision {
  if (!r.ok) throw new Error(`expected a decision, got ${r.code}: ${r.message}`);
  return r;
}

function failure(r: RouteResult): RouteFailure {
  if (r.ok) throw new Error(`expected a failure, got ${r.primary.model}`);
  return r;
}

const chain = (d: RouteDecision): RouteCandidate[] => [d.primary, ...d.fallbacks];
const route = (over: Parameters<typeof routeInput>[0] = {}) => decideRoute(routeInput(over));
const FREE_IDS = ["groq", "local"];
const paid = () => seedModels().filter((m) => m.inputPricePer1M > 0 || m.outputPricePer1M > 0);

describe("privacy", () => {
  it("routes privacy-required requests to a local model", () => {
    const d = ok(route({ request: { privacyRequired: true } }));
    expect(d.primary.provider).toBe("local");
    expect(chain(d).every((c) => c.provider === "local")).toBe(true);
    expect(d.reason).toContain("privacy");
    expect(d.excluded.find((e) => e.model === "openai/gpt-4o")?.reason).toBe(
      "privacy required: openai is a cloud provider",
    );
  });

  it("never puts a cloud model in any chain, whatever else is asked", () => {
    for (const powerLevel of ["ECO", "BALANCED", "PRECISION"] as const) {
      for (const taskType of ["chat", "code", "reasoning"] as const) {
        for (const latencySlo of ["instant", "slow"] as const) {
          const r = route({
            request: { privacyRequired: true, powerLevel, taskType, latencySlo, quality: "best" },
            caller: { byokProviderIds: ["prov-openai"] },
          });
          for (const c of chain(ok(r))) expect(c.provider).toBe("local");
        }
      }
    }
  });

  it("fails with privacy_no_local_model, and no cloud fallback, when no local model is available", () => {
    const f = failure(route({ catalog: withoutProvider(seedModels(), "local"), request: { privacyRequired: true } }));
    expect(f.code).toBe("privacy_no_local_model");
    expect(f.status).toBe(503);
    expect(f.message).toContain("No local model is available and privacy_required forbids cloud");
    expect(f).not.toHaveProperty("primary");
    expect(f).not.toHaveProperty("fallbacks");
  });

  it("fails the same way when the local models cannot take the request, saying why", () => {
    const tooLong = failure(route({ promptTokens: 100_000, request: { privacyRequired: true } }));
    expect(tooLong.code).toBe("privacy_no_local_model");
    expect(tooLong.message).toContain("context window 32768 < 101000 needed");
    const down = failure(
      route({ health: { "prov-local": { circuitOpen: true } }, request: { privacyRequired: true } }),
    );
    expect(down.code).toBe("privacy_no_local_model");
  });
});

describe("BYOK", () => {
  it("chooses the caller's own provider and charges no credits for it", () => {
    const d = ok(
      route({ catalog: seedModels({ platformKeys: "seed" }), caller: { byokProviderIds: ["prov-anthropic"] } }),
    );
    expect(d.primary.model).toBe("anthropic/claude-3-5-haiku-latest");
    expect(d.primary.byok).toBe(true);
    expect(d.primary.estimatedCostMicros).toBe(0);
    expect(d.primary.providerCostMicros).toBe(computeCostMicros(1_000, 1_000, 250_000, 1_250_000));
    expect(d.reason).toContain("BYOK");
    for (const c of d.fallbacks) expect(c.byok).toBe(false);
  });

  it("makes providers without a platform key usable", () => {
    const without = ok(route({ catalog: seedModels({ platformKeys: "seed" }) }));
    expect(chain(without).some((c) => c.provider === "openai")).toBe(false);
    const withKey = ok(
      route({ catalog: seedModels({ platformKeys: "seed" }), caller: { byokProviderIds: ["openai"] } }),
    );
    expect(chain(withKey).some((c) => c.provider === "openai" && c.byok && c.estimatedCostMicros === 0)).toBe(true);
  });
});

describe("latency SLO", () => {
  it("instant keeps only sub-500 ms models and picks a fast provider", () => {
    const d = ok(
      route({ catalog: withoutProvider(seedModels(), "local"), request: { powerLevel: "ECO", latencySlo: "instant" } }),
    );
    expect(d.primary.provider).toBe("groq");
    for (const c of chain(d)) expect(c.latencyMs).toBeLessThan(500);
    expect(d.excluded.find((e) => e.model === "deepseek/deepseek-chat")).toMatchObject({
      step: "latency",
      reason: "first token ~1200 ms, instant needs < 500 ms",
    });
  });

  it("fast drops models at or above one second", () => {
    const d = ok(route({ request: { powerLevel: "PRECISION", latencySlo: "fast" } }));
    for (const c of chain(d)) expect(c.latencyMs).toBeLessThan(1_000);
    expect(d.excluded.some((e) => e.model === "openai/o1-preview" && e.step === "latency")).toBe(true);
  });
});

describe("money", () => {
  it("with low credits routes to a free model instead of failing", () => {
    const d = ok(route({ caller: { availableCreditsMicros: 100 } }));
    expect(d.primary.free).toBe(true);
    for (const c of chain(d)) expect(c.estimatedCostMicros).toBeLessThanOrEqual(100);
    expect(d.usedPowerLevel).toBe("ECO");
    expect(d.reason).toContain("served at ECO: your credits don't cover BALANCED (add credits)");
    expect(d.creditsShortAt).toBe("BALANCED");
    expect(d.excluded.find((e) => e.model === "openai/gpt-4o-mini")).toMatchObject({
      step: "money",
      reason: "estimated cost $0.00075 > available credits $0.0001",
    });
  });

  it("fails with insufficient_credits when credits are why nothing is left", () => {
    const f = failure(route({ catalog: paid(), caller: { availableCreditsMicros: 0 } }));
    expect(f.code).toBe("insufficient_credits");
    expect(f.status).toBe(402);
    expect(f.message).toContain("Not enough credits");
  });

  it("steps down to ECO at 80% of the monthly budget and says so", () => {
    const d = ok(
      route({
        request: { powerLevel: "PRECISION" },
        caller: { budget: { monthlyBudgetMicros: 10_000_000, monthSpendMicros: 8_500_000 } },
      }),
    );
    expect(d.steppedDownToEco).toBe(true);
    expect(d.requestedPowerLevel).toBe("PRECISION");
    expect(d.effectivePowerLevel).toBe("ECO");
    expect(d.primary.powerLevel).toBe("ECO");
    expect(d.reason).toContain("monthly budget 85% spent: stepped down to ECO");
  });

  it("does not step down below 80%", () => {
    const d = ok(route({ caller: { budget: { monthlyBudgetMicros: 10_000_000, monthSpendMicros: 7_900_000 } } }));
    expect(d.steppedDownToEco).toBe(false);
    expect(d.primary.powerLevel).toBe("BALANCED");
  });

  it("at 100% of the budget keeps only free and BYOK models", () => {
    const d = ok(route({ caller: { budget: { monthlyBudgetMicros: 10_000_000, monthSpendMicros: 10_000_000 } } }));
    for (const c of chain(d)) expect(c.free || c.byok).toBe(true);
    expect(FREE_IDS).toContain(d.primary.provider);
    expect(d.excluded.find((e) => e.model === "openrouter/meta-llama/llama-3.1-405b-instruct")?.reason).toBe(
      "monthly budget exhausted (only free or BYOK models)",
    );

    const byok = ok(
      route({
        catalog: paid(),
        caller: { byokProviderIds: ["prov-openai"], budget: { monthlyBudgetMicros: 1, monthSpendMicros: 2 } },
      }),
    );
    expect(chain(byok).every((c) => c.provider === "openai" && c.byok)).toBe(true);
  });

  it("fails with budget_exhausted when no free or BYOK model is left", () => {
    const f = failure(
      route({ catalog: paid(), caller: { budget: { monthlyBudgetMicros: 10_000_000, monthSpendMicros: 10_500_000 } } }),
    );
    expect(f.code).toBe("budget_exhausted");
    expect(f.status).toBe(402);
    expect(f.steppedDownToEco).toBe(true);
  });

  it("max_cost_usd excludes candidates estimated above it", () => {
    const d = ok(route({ request: { maxCostMicros: 1_000 } }));
    for (const c of chain(d)) expect(c.providerCostMicros).toBeLessThanOrEqual(1_000);
    expect(d.excluded.find((e) => e.model === "openai/gpt-4o")?.reason).toBe(
      "estimated cost $0.0125 > max_cost_usd $0.001",
    );
  });

  it("estimates an integer cost for every candidate", () => {
    const d = ok(route({ promptTokens: 1_234, maxOutputTokens: 567 }));
    for (const c of chain(d)) {
      expect(Number.isInteger(c.estimatedCostMicros)).toBe(true);
      expect(c.providerCostMicros).toBeGreaterThanOrEqual(c.estimatedCostMicros);
    }
  });
});

describe("power levels", () => {
  it.each(["ECO", "BALANCED", "PRECISION"] as const)("%s picks from its own level", (powerLevel) => {
    const d = ok(route({ request: { powerLevel } }));
    expect(d.effectivePowerLevel).toBe(powerLevel);
    for (const c of chain(d)) expect(c.powerLevel).toBe(powerLevel);
  });

  it("ECO prefers free, PRECISION prefers quality", () => {
    expect(ok(route({ request: { powerLevel: "ECO" } })).primary.free).toBe(true);
    expect(
      ok(route({ request: { powerLevel: "PRECISION", taskType: "code" } })).primary.quality,
    ).toBeGreaterThanOrEqual(9.5);
  });

  it("takes the level from the model alias, then power_level, then the caller's preference, then BALANCED", () => {
    expect(ok(route({ request: { model: "Precision", powerLevel: "ECO" } })).effectivePowerLevel).toBe("PRECISION");
    expect(ok(route({ request: { model: "auto", powerLevel: "ECO" } })).effectivePowerLevel).toBe("ECO");
    expect(ok(route({ caller: { preferredPowerLevel: "PRECISION" } })).effectivePowerLevel).toBe("PRECISION");
    expect(ok(route()).effectivePowerLevel).toBe("BALANCED");
  });

  it("falls back to an adjacent level when the chosen one has no usable model", () => {
    const noEco = seedModels().filter((m) => m.powerLevel !== "ECO");
    const d = ok(route({ catalog: noEco, request: { powerLevel: "ECO" } }));
    expect(d.usedPowerLevel).toBe("BALANCED");
    expect(d.reason).toContain("no usable ECO model, using BALANCED");
  });

  it("uses the caller's own weights", () => {
    const d = ok(route({ caller: { routingWeights: { cost: 0, latency: 0, quality: 5 } } }));
    expect(d.weights).toEqual({ cost: 0, latency: 0, quality: 1 });
    expect(d.primary.model).toBe("openai/gpt-4o"); // highest quality at BALANCED
  });
});

describe("task type", () => {
  it("code routes to a code-strong model", () => {
    const code = ok(route({ request: { taskType: "code" } }));
    const chat = ok(route({ request: { taskType: "chat" } }));
    expect(TASK_PREFERENCES.code.some((n) => code.primary.modelName.includes(n))).toBe(true);
    expect(code.primary.model).not.toBe(chat.primary.model);
    expect(code.reason).toContain("strong at code");
    expect(ok(route({ request: { taskType: "code", powerLevel: "PRECISION" } })).primary.modelName).toContain("Claude");
  });

  it("infers the task from the last user message when absent", () => {
    const d = ok(route({ request: { taskType: null, lastUserText: "Fix this:\n```js\nconst a = b +\n```" } }));
    expect(d.taskType).toBe("code");
    expect(d.taskTypeInferred).toBe(true);
    expect(ok(route({ request: {} })).taskType).toBe("chat");
  });
});

describe("hard filters in a decision", () => {
  it("a 150k-token prompt goes to a large-window model", () => {
    const d = ok(route({ promptTokens: 150_000 }));
    for (const c of chain(d)) expect(c.contextTokens).toBeGreaterThanOrEqual(151_000);
    expect(d.excluded.find((e) => e.model === "openai/gpt-4o-mini")?.reason).toBe(
      "context window 128000 < 151000 needed",
    );
  });

  it("skips a provider whose circuit is open", () => {
    const healthy = ok(route());
    expect(healthy.primary.provider).toBe("openrouter");
    const d = ok(route({ health: { "prov-openrouter": { circuitOpen: true, successRate: 0.1 } } }));
    expect(chain(d).some((c) => c.provider === "openrouter")).toBe(false);
    expect(d.excluded.find((e) => e.provider === "openrouter")?.reason).toBe(
      "provider openrouter unhealthy (circuit open)",
    );
  });

  it("ranks a provider with a poor recent success rate lower without dropping it", () => {
    const d = ok(route({ health: { "prov-openrouter": { circuitOpen: false, successRate: 0.5 } } }));
    expect(d.primary.provider).not.toBe("openrouter");
    expect(chain(d).some((c) => c.provider === "openrouter")).toBe(true);
  });

  it("ranks a provider the cluster marked degraded lower, even when this process saw it succeed, without dropping it", () => {
    const healthy = ok(route({ health: { "prov-openrouter": { circuitOpen: false, successRate: 1 } } }));
    const d = ok(route({ health: { "prov-openrouter": { circuitOpen: false, successRate: 1, degraded: true } } }));
    const scoreOf = (x: typeof d) => chain(x).find((c) => c.provider === "openrouter")!.scores.composite;
    expect(scoreOf(d)).toBeLessThan(scoreOf(healthy));
    expect(chain(d).some((c) => c.provider === "openrouter")).toBe(true);
    // A worse rate of its own still counts: the cap is a ceiling, not a floor.
    const worse = ok(
      route({ health: { "prov-openrouter": { circuitOpen: false, successRate: 0.5, degraded: true } } }),
    );
    expect(scoreOf(worse)).toBeLessThan(scoreOf(d));
  });

  it("region eu keeps only eu providers", () => {
    const d = ok(route({ request: { region: "EU" } }));
    for (const c of chain(d)) expect(c.provider).toBe("mistral");
    expect(d.excluded.find((e) => e.model === "openrouter/meta-llama/llama-3.3-70b-instruct")?.reason).toBe(
      "region global, request needs eu",
    );
  });

  it("images need vision and tools need tools", () => {
    for (const c of chain(ok(route({ request: { hasImages: true } }))))
      expect(["openai/gpt-4o-mini", "openai/gpt-4o"]).toContain(c.model);
    const tools = ok(route({ request: { hasTools: true } }));
    for (const c of chain(tools))
      expect(["openai/gpt-4o-mini", "openai/gpt-4o", "anthropic/claude-3-5-haiku-latest"]).toContain(c.model);
  });

  it("fails with no_candidate listing the exclusions when nothing can serve", () => {
    const f = failure(route({ request: { hasImages: true, region: "eu" } }));
    expect(f.code).toBe("no_candidate");
    expect(f.status).toBe(503);
    expect(f.message).toMatch(/^No model can serve this request: .+\(.+\)/);
    expect(f.excluded).toHaveLength(seedModels().length);
    expect(failure(route({ catalog: [] })).code).toBe("no_candidate");
  });

  it("with a latency SLO nothing meets, fails with no_candidate", () => {
    const slow = seedModels().map((m) => ({ ...m, latencyMs: 2_000 }));
    expect(failure(route({ catalog: slow, request: { latencySlo: "fast" } })).code).toBe("no_candidate");
  });
});

describe("JSON output and the kind of model", () => {
  const JSON_MODELS = ["openai/gpt-4o-mini", "openai/gpt-4o"];
  const jsonCatalog = () =>
    JSON_MODELS.reduce(
      (models, id) =>
        withModel(models, id, {
          capabilities: [...models.find((m) => `${m.provider.slug}/${m.upstreamId}` === id)!.capabilities, "json"],
        }),
      seedModels(),
    );
  const NO_JSON = "no JSON output support (request sets response_format)";

  it("auto routing with JSON asked keeps only json models, and says why the others are out", () => {
    // Without JSON the router prefers a model that cannot do it: the filter is what changes the pick.
    expect(JSON_MODELS).not.toContain(ok(route({ catalog: jsonCatalog() })).primary.model);
    const d = ok(route({ catalog: jsonCatalog(), request: { hasResponseFormat: true } }));
    for (const c of chain(d)) expect(JSON_MODELS).toContain(c.model);
    expect(d.excluded.find((e) => e.model === "openrouter/meta-llama/llama-3.3-70b-instruct")).toMatchObject({
      step: "filter",
      reason: NO_JSON,
    });
    expect(d.excluded.filter((e) => e.reason === NO_JSON).length).toBeGreaterThan(0);
  });

  it("a pinned model without json fails unsupported_by_model (400), naming the reason; with json it serves", () => {
    const f = failure(
      route({
        catalog: jsonCatalog(),
        request: { model: "anthropic/claude-3-5-haiku-latest", hasResponseFormat: true },
      }),
    );
    expect(f).toMatchObject({ code: "unsupported_by_model", status: 400 });
    expect(f.message).toBe(`Model anthropic/claude-3-5-haiku-latest cannot serve this request: ${NO_JSON}`);
    expect(f.excluded).toEqual([
      {
        model: "anthropic/claude-3-5-haiku-latest",
        modelId: "m-anthropic-claude-3-5-haiku-latest",
        provider: "anthropic",
        step: "filter",
        reason: NO_JSON,
      },
    ]);
    expect(
      ok(route({ catalog: jsonCatalog(), request: { model: "openai/gpt-4o-mini", hasResponseFormat: true } })).primary
        .model,
    ).toBe("openai/gpt-4o-mini");
    // The same pin without JSON is served: only the JSON ask is refused.
    expect(
      ok(route({ catalog: jsonCatalog(), request: { model: "anthropic/claude-3-5-haiku-latest" } })).primary.model,
    ).toBe("anthropic/claude-3-5-haiku-latest");
  });

  it("with JSON asked and no json model anywhere, nothing is routed (the failure lists why)", () => {
    const f = failure(route({ request: { hasResponseFormat: true } }));
    expect(f.code).toBe("no_candidate");
    expect(f.message).toContain(NO_JSON);
  });

  it("never picks an embeddings model for chat, even one that would win as a chat model", () => {
    const mini = seedModels().find((m) => m.upstreamId === "gpt-4o-mini")!;
    const embedder = (capabilities: string[]) => ({
      ...mini,
      id: "m-emb",
      upstreamId: "text-embedding-3-small",
      name: "Embedding Small",
      inputPricePer1M: 20_000,
      outputPricePer1M: 0,
      quality: 9.9,
      latencyMs: 100,
      capabilities,
    });
    // As a chat model it would be the pick...
    expect(ok(route({ catalog: [...seedModels(), embedder(["chat", "json"])] })).primary.model).toBe(
      "openai/text-embedding-3-small",
    );
    // ...as an embeddings model it is never in a chat chain, whatever the request asks.
    const catalog = [...seedModels(), embedder(["embeddings"])];
    for (const request of [
      {},
      { hasResponseFormat: true },
      { powerLevel: "ECO" as const },
      { powerLevel: "PRECISION" as const },
    ]) {
      const r = route({ catalog, request });
      if (r.ok) expect(chain(r).map((c) => c.model)).not.toContain("openai/text-embedding-3-small");
    }
    expect(ok(route({ catalog })).excluded.find((e) => e.model === "openai/text-embedding-3-small")).toMatchObject({
      step: "filter",
      reason: "an embeddings model (not for chat)",
    });
    // Pinned for chat: refused as unsupported (400), not served.
    expect(failure(route({ catalog, request: { model: "openai/text-embedding-3-small" } }))).toMatchObject({
      code: "unsupported_by_model",
      status: 400,
    });
  });
});

describe("quality floor", () => {
  it("best keeps models of quality 9.0 and up", () => {
    const d = ok(route({ request: { powerLevel: "ECO", quality: "best" } }));
    for (const c of chain(d)) expect(c.quality).toBeGreaterThanOrEqual(9);
    expect(d.excluded.find((e) => e.model === "groq/mixtral-8x7b-32768")).toMatchObject({
      step: "quality",
      reason: "quality 8 < 9.0 (best)",
    });
  });

  it("keeps the best available when the floor would drop everything, and says so", () => {
    const d = ok(route({ request: { privacyRequired: true, quality: "best" } }));
    expect(d.primary.model).toBe("local/Qwen/Qwen2.5-32B-Instruct-AWQ");
    expect(d.reason).toContain("keeping the best available (7.5)");
  });
});

describe("admin rules", () => {
  it("pin: a rule's model becomes the primary, with routed fallbacks behind it", () => {
    const d = ok(route({ rules: [rule("pin-4o", 10, { task_type: "chat" }, { pin_model: "openai/gpt-4o" })] }));
    expect(d.primary.model).toBe("openai/gpt-4o");
    expect(d.pinnedByRuleId).toBe("pin-4o");
    expect(d.appliedRuleIds).toEqual(["pin-4o"]);
    expect(d.fallbacks.length).toBeGreaterThan(0);
    expect(d.fallbacks.some((c) => c.model === "openai/gpt-4o")).toBe(false);
  });

  it("pin: an unusable pinned model is ignored, not fatal", () => {
    const d = ok(
      route({
        health: { "prov-openai": { circuitOpen: true } },
        rules: [rule("pin-4o", 10, {}, { pin_model: "openai/gpt-4o" })],
      }),
    );
    expect(d.primary.provider).not.toBe("openai");
    expect(d.pinnedByRuleId).toBeNull();
    expect(d.reason).toContain('rule "pin-4o" pin openai/gpt-4o ignored: provider openai unhealthy (circuit open)');
  });

  it("exclude: removes a provider everywhere", () => {
    const d = ok(route({ rules: [rule("no-or", 10, {}, { exclude_providers: ["openrouter"] })] }));
    expect(chain(d).some((c) => c.provider === "openrouter")).toBe(false);
    expect(d.excluded.find((e) => e.provider === "openrouter")).toMatchObject({
      step: "rule",
      reason: 'provider openrouter excluded by rule "no-or"',
    });
    expect(d.appliedRuleIds).toEqual(["no-or"]);
  });

  it("prefer: a score bonus lifts the preferred provider", () => {
    const d = ok(route({ rules: [rule("like-anthropic", 10, {}, { prefer_providers: "anthropic" })] }));
    expect(d.primary.provider).toBe("anthropic");
    expect(d.reason).toContain('provider preferred by rule "like-anthropic"');
  });

  it("force: sets the power level when the conditions match", () => {
    const rules = [rule("admins-precise", 10, { role: "ADMIN" }, { force_power_level: "PRECISION" })];
    const admin = ok(route({ rules, caller: { role: "ADMIN" } }));
    expect(admin.effectivePowerLevel).toBe("PRECISION");
    expect(admin.primary.powerLevel).toBe("PRECISION");
    expect(admin.reason).toContain('rule "admins-precise" forced PRECISION');
    const user = ok(route({ rules }));
    expect(user.effectivePowerLevel).toBe("BALANCED");
    expect(user.appliedRuleIds).toEqual([]);
  });

  it("ignores inactive rules and matches on api key and prompt size", () => {
    const rules = [
      rule("off", 1, {}, { exclude_providers: "openrouter" }, false),
      rule("big-key", 2, { api_key_id: "key-1", prompt_tokens: { gt: 500 } }, { force_power_level: "ECO" }),
    ];
    const d = ok(route({ rules }));
    expect(d.appliedRuleIds).toEqual(["big-key"]);
    expect(d.effectivePowerLevel).toBe("ECO");
    expect(ok(route({ rules, promptTokens: 100 })).appliedRuleIds).toEqual([]);
  });
});

describe("fallback chain", () => {
  it("prefers distinct providers after the primary", () => {
    const d = ok(route({ maxFallbacks: 20 }));
    const providers = chain(d).map((c) => c.provider);
    const firstRepeat = providers.findIndex((p, i) => providers.indexOf(p) !== i);
    expect(firstRepeat).toBeGreaterThan(0);
    expect(new Set(providers.slice(firstRepeat)).size).toBeLessThanOrEqual(new Set(providers).size);
    for (const p of providers.slice(firstRepeat)) expect(providers.slice(0, firstRepeat)).toContain(p);
    // openrouter's Qwen outscores openai's gpt-4o-mini but waits until every provider had a turn.
    const qwen = chain(d).find((c) => c.model === "openrouter/qwen/qwen-2.5-72b-instruct")!;
    const mini = chain(d).find((c) => c.model === "openai/gpt-4o-mini")!;
    expect(qwen.scores.composite).toBeGreaterThan(mini.scores.composite);
    expect(providers.indexOf("openai")).toBeLessThan(chain(d).indexOf(qwen));
  });

  it("limits the chain to maxFallbacks", () => {
    expect(ok(route({ maxFallbacks: 2 })).fallbacks).toHaveLength(2);
    expect(ok(route({ maxFallbacks: 0 })).fallbacks).toHaveLength(0);
    expect(ok(route()).fallbacks).toHaveLength(5);
    expect(ok(route({ maxFallbacks: Number.NaN })).fallbacks).toHaveLength(5);
  });

  it("keeps every score in 0..1", () => {
    for (const c of chain(
      ok(
        route({
          maxFallbacks: 50,
          caller: { byokProviderIds: ["prov-openai"] },
          rules: [rule("p", 1, {}, { prefer_providers: "openai" })],
        }),
      ),
    )) {
      for (const v of Object.values(c.scores)) expect(v >= 0 && v <= 1).toBe(true);
    }
  });
});

describe("pinned model id", () => {
  it("serves a concrete model without routing, still estimating its cost", () => {
    const d = ok(route({ request: { model: "openai/gpt-4o" } }));
    expect(d.pinned).toBe(true);
    expect(d.primary.model).toBe("openai/gpt-4o");
    expect(d.fallbacks).toEqual([]);
    expect(d.primary.estimatedCostMicros).toBe(computeCostMicros(1_000, 1_000, 2_500_000, 10_000_000));
    expect(d.reason).toContain("pinned openai/gpt-4o");
  });

  it("answers unknown_model (404) for an id not in the catalog", () => {
    const f = failure(route({ request: { model: "openai/gpt-9" } }));
    expect(f.code).toBe("unknown_model");
    expect(f.status).toBe(404);
  });

  it("still applies privacy, key, circuit and money checks, with their codes", () => {
    expect(failure(route({ request: { model: "openai/gpt-4o", privacyRequired: true } })).code).toBe(
      "privacy_no_local_model",
    );
    expect(
      ok(route({ request: { model: "local/Qwen/Qwen2.5-32B-Instruct-AWQ", privacyRequired: true } })).primary.provider,
    ).toBe("local");
    const noKey = failure(
      route({ catalog: seedModels({ platformKeys: "seed" }), request: { model: "openai/gpt-4o" } }),
    );
    expect(noKey).toMatchObject({ code: "no_candidate", status: 503 });
    expect(noKey.message).toContain("no key for openai");
    expect(
      failure(route({ health: { "prov-openai": { circuitOpen: true } }, request: { model: "openai/gpt-4o" } })).code,
    ).toBe("no_candidate");
    expect(failure(route({ request: { model: "openai/gpt-4o" }, caller: { availableCreditsMicros: 10 } })).code).toBe(
      "insufficient_credits",
    );
    expect(
      failure(
        route({
          request: { model: "openai/gpt-4o" },
          caller: { budget: { monthlyBudgetMicros: 5, monthSpendMicros: 5 } },
        }),
      ).code,
    ).toBe("budget_exhausted");
    expect(
      failure(
        route({ request: { model: "openai/gpt-4o" }, rules: [rule("x", 1, {}, { exclude_providers: "openai" })] }),
      ).code,
    ).toBe("no_candidate");
  });

  it("charges nothing with the caller's BYOK key, even with no credits left", () => {
    const d = ok(
      route({
        request: { model: "openai/gpt-4o" },
        caller: { byokProviderIds: ["prov-openai"], availableCreditsMicros: 0 },
      }),
    );
    expect(d.primary).toMatchObject({ byok: true, estimatedCostMicros: 0 });
    expect(d.primary.providerCostMicros).toBeGreaterThan(0);
  });
});

describe("determinism", () => {
  const inputs: Array<[string, Parameters<typeof routeInput>[0]]> = [
    ["default", {}],
    ["code precision", { request: { taskType: "code", powerLevel: "PRECISION" }, maxFallbacks: 20 }],
    ["privacy", { request: { privacyRequired: true } }],
    [
      "budget",
      { caller: { budget: { monthlyBudgetMicros: 100, monthSpendMicros: 100 }, byokProviderIds: ["prov-openai"] } },
    ],
    [
      "rules",
      { rules: [rule("b", 5, {}, { prefer_providers: "groq" }), rule("a", 5, {}, { exclude_providers: "openai" })] },
    ],
    ["failure", { request: { hasImages: true, region: "eu" } }],
  ];

  it.each(inputs)("%s: the same input twice gives deep-equal output", (_, over) => {
    expect(decideRoute(routeInput(over))).toEqual(decideRoute(routeInput(over)));
  });

  it.each(inputs)("%s: a shuffled catalog and rule order give the same decision", (_, over) => {
    const expected = decideRoute(routeInput(over));
    for (const seed of [1, 2, 3]) {
      const input: RouteInput = routeInput({ ...over, catalog: shuffled(seedModels(), seed) });
      if (input.rules) input.rules = shuffled(input.rules, seed);
      expect(decideRoute(input)).toEqual(expected);
    }
  });

  it("breaks exact score ties by provider priority, then model id", () => {
    // Two identical models on providers of different priority.
    const twins = withModel(
      withModel(seedModels(), "fireworks/accounts/fireworks/models/qwen2p5-72b-instruct", {
        name: "Twin",
        inputPricePer1M: 500_000,
        outputPricePer1M: 500_000,
        latencyMs: 300,
        quality: 9,
      }),
      "deepinfra/meta-llama/Meta-Llama-3.1-70B-Instruct",
      {
        name: "Twin",
        inputPricePer1M: 500_000,
        outputPricePer1M: 500_000,
        latencyMs: 300,
        quality: 9,
        capabilities: ["chat", "code"],
      },
    );
    const reprioritised = withProvider(twins, "fireworks", { priority: 66 });
    const d = ok(
      route({
        catalog: reprioritised,
        rules: [
          rule(
            "only-twins",
            1,
            {},
            { exclude_providers: ["openrouter", "openai", "anthropic", "together", "huggingface"] },
          ),
        ],
      }),
    );
    expect(d.primary.provider).toBe("fireworks");
    expect(d.fallbacks[0]!.scores).toEqual(d.primary.scores);
    const same = withProvider(twins, "deepinfra", { priority: 65 });
    const e = ok(
      route({
        catalog: same,
        rules: [
          rule(
            "only-twins",
            1,
            {},
            { exclude_providers: ["openrouter", "openai", "anthropic", "together", "huggingface"] },
          ),
        ],
      }),
    );
    expect(e.primary.model).toBe("deepinfra/meta-llama/Meta-Llama-3.1-70B-Instruct"); // "deepinfra/…" < "fireworks/…"
  });

  it("gives the same decision from a prepared catalog as from the plain array", () => {
    const models = seedModels();
    expect(decideRoute(routeInput({ catalog: prepareCatalog(models) }))).toEqual(
      decideRoute(routeInput({ catalog: models })),
    );
  });
});

describe("excluded list", () => {
  it("lists exactly the models a filter removed, each once, in catalog order", () => {
    const d = ok(route({ request: { region: "eu" } }));
    const models = seedModels();
    expect(d.excluded).toHaveLength(models.length - 2); // both Mistral models survive (ECO and BALANCED)
    expect(new Set(d.excluded.map((e) => e.model)).size).toBe(d.excluded.length);
    const cat = prepareCatalog(models);
    const order = cat.models.map((m) => m.publicId);
    const positions = d.excluded.map((e) => order.indexOf(e.model));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it("describes the decision as it was made, even if the inputs change afterwards", () => {
    const health: Record<string, { circuitOpen: boolean }> = { "prov-openrouter": { circuitOpen: true } };
    const byok = ["prov-openai"];
    const d = ok(route({ health, catalog: seedModels({ platformKeys: "seed" }), caller: { byokProviderIds: byok } }));
    health["prov-openrouter"] = { circuitOpen: false };
    byok.length = 0;
    expect(d.excluded.find((e) => e.provider === "openrouter")?.reason).toBe(
      "provider openrouter unhealthy (circuit open)",
    );
    expect(d.excluded.some((e) => e.provider === "openai")).toBe(false);
  });

  it("is plain data: serialisable, comparable and assignable", () => {
    const d = ok(route({ request: { region: "eu" } }));
    const json = JSON.parse(JSON.stringify(d)) as RouteDecision;
    expect(json.excluded).toEqual(d.excluded);
    expect({ ...d }.excluded).toEqual(d.excluded);
    d.excluded = [];
    expect(d.excluded).toEqual([]);
  });
});

describe("consistency", () => {
  it("a rule may pin a model of another level; fallbacks still come from the routed level", () => {
    const d = ok(
      route({ rules: [rule("opus", 1, { task_type: "chat" }, { pin_model: "anthropic/claude-3-opus-latest" })] }),
    );
    expect(d.primary.model).toBe("anthropic/claude-3-opus-latest");
    expect(d.usedPowerLevel).toBe("PRECISION");
    for (const c of d.fallbacks) expect(c.powerLevel).toBe("BALANCED");
  });

  it("on random requests, every model of the routed level is either in the chain or excluded, never both", () => {
    let seed = 2024;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const models = seedModels({ platformKeys: "seed" });
    const slugs = [...new Set(models.map((m) => m.provider.slug))];
    for (let t = 0; t < 300; t++) {
      const r = decideRoute(
        routeInput({
          catalog: models,
          promptTokens: pick([100, 5_000, 40_000, 150_000]),
          maxOutputTokens: pick([256, 4_096]),
          maxFallbacks: 1_000,
          health: Object.fromEntries(
            slugs.filter(() => rnd() < 0.2).map((s) => [s, { circuitOpen: rnd() < 0.5, successRate: rnd() }]),
          ),
          request: {
            powerLevel: pick(["ECO", "BALANCED", "PRECISION", null] as const),
            taskType: pick(["chat", "code", "rag", null] as const),
            privacyRequired: rnd() < 0.15,
            latencySlo: pick(["instant", "fast", null] as const),
            quality: pick(["basic", "good", "best", null] as const),
            maxCostMicros: rnd() < 0.3 ? Math.floor(rnd() * 20_000) : null,
            region: rnd() < 0.1 ? pick(["eu", "us"]) : null,
            hasImages: rnd() < 0.1,
            hasTools: rnd() < 0.1,
          },
          caller: {
            byokProviderIds: slugs.filter(() => rnd() < 0.2),
            availableCreditsMicros: pick([0, 500, 50_000, 10_000_000]),
            budget:
              rnd() < 0.3 ? { monthlyBudgetMicros: 1_000_000, monthSpendMicros: Math.floor(rnd() * 1_200_000) } : null,
          },
        }),
      );
      if (!r.ok) {
        expect(r.excluded.length).toBeGreaterThan(0);
        continue;
      }
      const inChain = new Set(chain(r).map((c) => c.model));
      const excluded = new Set(r.excluded.map((e) => e.model));
      for (const m of inChain) expect(excluded.has(m)).toBe(false);
      for (const m of models) {
        const id = `${m.provider.slug}/${m.upstreamId}`;
        if (m.powerLevel === r.usedPowerLevel) expect(inChain.has(id) || excluded.has(id), id).toBe(true);
      }
      for (const e of r.excluded) expect(e.reason.length).toBeGreaterThan(5);
      for (const c of chain(r)) if (!c.byok && !c.free) expect(c.estimatedCostMicros).toBeGreaterThan(0);
    }
  });
});

describe("odd inputs", () => {
  it("treats names of object internals as model ids, not aliases", () => {
    expect(failure(route({ request: { model: "constructor" } })).code).toBe("unknown_model");
    expect(failure(route({ request: { model: "__proto__" } })).code).toBe("unknown_model");
  });

  it("treats unusable credit and token numbers safely", () => {
    const d = ok(route({ caller: { availableCreditsMicros: Number.NaN } }));
    expect(d.primary.free).toBe(true);
    const f = ok(route({ promptTokens: Number.NaN, maxOutputTokens: -5 }));
    expect(f.primary.estimatedCostMicros).toBe(0);
  });
});

describe("money is priced on the proven prompt bound", () => {
  it("prices credits and the hold on min(bound, context window), scoring nothing else differently", () => {
    const input = routeInput({
      request: { model: "openai/gpt-4o-mini" },
      promptTokens: 1_000,
      caller: { availableCreditsMicros: 10_000_000 },
    });
    const estimate = ok(decideRoute(input)).primary;
    expect(estimate.estimatedCostMicros).toBe(computeCostMicros(1_000, 1_000, 150_000, 600_000));
    const bounded = ok(decideRoute({ ...input, promptTokensBound: 50_000 })).primary;
    expect(bounded.estimatedCostMicros).toBe(computeCostMicros(50_000, 1_000, 150_000, 600_000));
    // A bound past the window (or Infinity, for images) is priced at the window: a provider refuses longer prompts.
    for (const bound of [5_000_000, Infinity]) {
      const capped = ok(decideRoute({ ...input, promptTokensBound: bound })).primary;
      expect(capped.estimatedCostMicros).toBe(computeCostMicros(128_000, 1_000, 150_000, 600_000));
    }
  });

  it("prices the prompt at the dearest a provider may bill a prompt token: a cache write above the input price", () => {
    // Anthropic bills cache writes at 1.25× input ($3.75 vs $3 per 1M on Sonnet); reads are cheaper.
    const models = withModel(seedModels(), "anthropic/claude-3-5-sonnet-latest", {
      cacheReadPricePer1M: 300_000,
      cacheWritePricePer1M: 3_750_000,
    });
    const input = routeInput({
      catalog: models,
      request: { model: "anthropic/claude-3-5-sonnet-latest" },
      promptTokens: 1_000,
      promptTokensBound: 2_000,
    });
    expect(ok(decideRoute(input)).primary.estimatedCostMicros).toBe(
      computeCostMicros(2_000, 1_000, 3_750_000, 15_000_000),
    );
    // Cheaper reads alone leave the estimate at the input price.
    const readsOnly = withModel(seedModels(), "anthropic/claude-3-5-sonnet-latest", {
      cacheReadPricePer1M: 300_000,
      cacheWritePricePer1M: null,
    });
    expect(ok(decideRoute({ ...input, catalog: readsOnly })).primary.estimatedCostMicros).toBe(
      computeCostMicros(2_000, 1_000, 3_000_000, 15_000_000),
    );
  });

  it("a bound the credits do not cover excludes the model for money, even when the estimate fits", () => {
    const cost = computeCostMicros(1_000, 1_000, 150_000, 600_000);
    const input = routeInput({
      request: { model: "openai/gpt-4o-mini" },
      promptTokens: 1_000,
      caller: { availableCreditsMicros: cost },
    });
    expect(decideRoute(input).ok).toBe(true);
    const f = failure(decideRoute({ ...input, promptTokensBound: 100_000 }));
    expect(f.code).toBe("insufficient_credits");
  });
});

describe("context length", () => {
  it("a prompt no usable model's window holds is the caller's 400 context_length_exceeded, not a 503", () => {
    const f = failure(route({ promptTokens: 2_500_000 }));
    expect(f.code).toBe("context_length_exceeded");
    expect(f.status).toBe(400);
    expect(f.message).toContain("largest context window available is 2000000 tokens");
    expect(f.message).toContain("2500000 in the messages");
  });

  it("so is a max_tokens no window can hold, and a pinned model too small for the request", () => {
    const huge = failure(route({ maxOutputTokens: 1_000_000_000 }));
    expect(huge.code).toBe("context_length_exceeded");
    expect(huge.message).toContain("1000000000 for the completion");
    const pinned = failure(route({ request: { model: "openai/gpt-4o-mini" }, promptTokens: 200_000 }));
    expect(pinned.code).toBe("context_length_exceeded");
    expect(pinned.message).toContain("128000 tokens");
  });

  it("stays a provider-side 503 when the models whose window fits are down", () => {
    const down = { circuitOpen: true };
    const f = failure(route({ promptTokens: 1_500_000, health: { "prov-openrouter": down, "prov-google": down } }));
    expect(f.code).toBe("no_candidate");
    expect(f.status).toBe(503);
  });
});
