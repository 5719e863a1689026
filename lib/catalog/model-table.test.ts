import { describe, expect, it } from "vitest";
import { formatUsdAmount as formatCost } from "../money/units";
import {
  facets,
  filterModels,
  formatPrice,
  isEmbeddingsModel,
  lockedByKey,
  requestCost,
  sortModels,
  splitCatalog,
  typicalCostByLevel,
  type Level,
  type ModelEntry,
  type ModelsResponse,
} from "./model-table";

function model(
  id: string,
  level: Level,
  input: number,
  output: number,
  extra: Partial<ModelEntry["switchyard"]> = {},
): ModelEntry {
  const provider = id.split("/")[0]!;
  return {
    id,
    object: "model",
    created: 0,
    owned_by: provider,
    switchyard: {
      name: id.split("/")[1]!,
      provider,
      provider_name:
        { simulated: "Simulated (built-in)", openrouter: "OpenRouter", local: "Local vLLM" }[provider] ?? provider,
      power_level: level,
      input_per_1m: input,
      output_per_1m: output,
      context_tokens: 32768,
      capabilities: ["chat"],
      latency_ms: 300,
      quality: 8,
      is_local: false,
      byok: false,
      simulated: false,
      ...extra,
    },
  };
}

const eco = model("simulated/sim-eco", "ECO", 0, 0, {
  simulated: true,
  capabilities: ["chat", "code", "simulated"],
  latency_ms: 250,
  quality: 6,
});
const ecoPaid = model("openrouter/llama", "ECO", 0.1, 0.1, { latency_ms: 400, quality: 9 });
const ecoLocal = model("local/qwen", "ECO", 0, 0, {
  is_local: true,
  capabilities: ["chat", "private"],
  latency_ms: 200,
  quality: 7.5,
});
const balanced = model("simulated/sim-balanced", "BALANCED", 0.5, 1.5, {
  simulated: true,
  capabilities: ["chat", "tools"],
  quality: 7.5,
});
const precision = model("simulated/sim-precision", "PRECISION", 3, 15, {
  simulated: true,
  latency_ms: 400,
  quality: 8.5,
});
const all = [precision, eco, balanced, ecoLocal, ecoPaid];

describe("splitCatalog", () => {
  it("separates the routing aliases from the models", () => {
    const list: ModelsResponse = {
      object: "list",
      data: [
        {
          id: "auto",
          object: "model",
          created: 0,
          owned_by: "switchyard",
          switchyard: { alias: true, about: "router picks" },
        },
        eco,
      ],
    };
    const { aliases, models } = splitCatalog(list);
    expect(aliases.map((a) => a.id)).toEqual(["auto"]);
    expect(models.map((m) => m.id)).toEqual(["simulated/sim-eco"]);
  });
});

describe("costs", () => {
  it("prices a request from the per-1M prices", () => {
    expect(requestCost(balanced.switchyard, 1000, 2000)).toBeCloseTo((1000 * 0.5 + 2000 * 1.5) / 1e6, 12);
    expect(requestCost(eco.switchyard, 1_000_000, 1_000_000)).toBe(0);
    expect(requestCost(precision.switchyard, -5, Number.NaN)).toBe(0);
  });

  it("takes the median typical request (500 in, 500 out) per level, null when the level is empty", () => {
    const typical = typicalCostByLevel(all);
    // ECO: 0, 0, 0.0001 → median 0
    expect(typical.ECO).toBe(0);
    expect(typical.BALANCED).toBeCloseTo(0.001, 12);
    expect(typical.PRECISION).toBeCloseTo(0.009, 12);
    expect(typicalCostByLevel([eco, ecoPaid]).ECO).toBeCloseTo(0.00005, 12);
    expect(typicalCostByLevel([eco]).PRECISION).toBeNull();
  });

  it("leaves embeddings models out of the typical (chat) request", () => {
    const embedder = model("openai/text-embedding-3-small", "ECO", 0.02, 0, { capabilities: ["embeddings"] });
    expect(isEmbeddingsModel(embedder)).toBe(true);
    expect(isEmbeddingsModel(ecoPaid)).toBe(false);
    expect(typicalCostByLevel([ecoPaid, embedder]).ECO).toBeCloseTo(0.0001, 12);
    expect(typicalCostByLevel([embedder]).ECO).toBeNull();
  });
});

describe("filterModels", () => {
  it("filters by power level, provider and capability together", () => {
    expect(
      filterModels(all, { powerLevel: "ECO" })
        .map((m) => m.id)
        .sort(),
    ).toEqual(["local/qwen", "openrouter/llama", "simulated/sim-eco"]);
    expect(filterModels(all, { provider: "simulated", powerLevel: "ECO" }).map((m) => m.id)).toEqual([
      "simulated/sim-eco",
    ]);
    expect(filterModels(all, { capability: "private" }).map((m) => m.id)).toEqual(["local/qwen"]);
    expect(filterModels(all, { powerLevel: "", provider: "", capability: "" })).toHaveLength(all.length);
  });
});

describe("sortModels", () => {
  it("sorts by input+output price, latency and quality in either direction", () => {
    expect(sortModels(all, "price", "asc").map((m) => m.id)).toEqual([
      "local/qwen",
      "simulated/sim-eco",
      "openrouter/llama",
      "simulated/sim-balanced",
      "simulated/sim-precision",
    ]);
    expect(sortModels(all, "latency", "asc")[0]!.id).toBe("local/qwen");
    expect(sortModels(all, "quality", "desc").map((m) => m.id)).toEqual([
      "openrouter/llama",
      "simulated/sim-precision",
      "local/qwen",
      "simulated/sim-balanced",
      "simulated/sim-eco",
    ]);
  });

  it("does not reorder its input", () => {
    const before = all.map((m) => m.id);
    sortModels(all, "name", "desc");
    expect(all.map((m) => m.id)).toEqual(before);
  });
});

describe("facets", () => {
  it("lists providers by name and capabilities, sorted, with slugs as values", () => {
    expect(facets(all)).toEqual({
      providers: [
        { value: "local", label: "Local vLLM" },
        { value: "openrouter", label: "OpenRouter" },
        { value: "simulated", label: "Simulated (built-in)" },
      ],
      capabilities: ["chat", "code", "private", "simulated", "tools"],
    });
  });

  it("adds the slug only to names that two providers share", () => {
    const alike = "Northwind Cognitive Inference Services Europe West Primary 01";
    const a = model("nw-a/m", "ECO", 0, 0, { provider_name: alike });
    const b = model("nw-b/m", "ECO", 0, 0, { provider_name: alike });
    expect(facets([b, a, eco]).providers.map((p) => p.label)).toEqual([
      `${alike} (nw-a)`,
      `${alike} (nw-b)`,
      "Simulated (built-in)",
    ]);
  });
});

describe("lockedByKey", () => {
  const p = (slug: string, models: number, platform = false, own = false) => ({
    slug,
    name: slug,
    has_platform_key: platform,
    has_own_key: own,
    models,
  });

  it("counts the models of providers with neither a platform key nor the user's own", () => {
    const result = lockedByKey([
      p("anthropic", 4),
      p("groq", 3),
      p("openai", 5, true),
      p("mistral", 2, false, true),
      p("empty", 0),
    ]);
    expect(result.models).toBe(7);
    expect(result.providers.map((x) => x.slug)).toEqual(["anthropic", "groq"]);
    expect(lockedByKey([p("openai", 5, true)]).models).toBe(0);
  });
});

describe("formatCost", () => {
  it("writes costs exactly to the micro-dollar, as the statement does", () => {
    expect(formatCost(0)).toBe("$0.00");
    expect(formatCost(0.001023)).toBe("$0.001023");
    expect(formatCost(0.000123)).toBe("$0.000123");
    expect(formatCost(0.0125)).toBe("$0.0125");
    expect(formatCost(0.5)).toBe("$0.50");
    expect(formatCost(4.99798)).toBe("$4.99798");
    expect(formatCost(1e-12)).toBe("<$0.000001");
    expect(formatCost(-0.002)).toBe("-$0.002");
    expect(formatCost(Number.NaN)).toBe("—");
  });

  it("shows prices per 1M tokens exactly, free when zero", () => {
    expect(formatPrice(0)).toBe("free");
    expect(formatPrice(0.15)).toBe("$0.15");
    expect(formatPrice(15)).toBe("$15.00");
    expect(formatPrice(0.005)).toBe("$0.005");
    expect(formatPrice(2.19)).toBe("$2.19");
  });
});
