import { describe, expect, it } from "vitest";
import {
  FLAG_FREE,
  FLAG_INVALID,
  prepareCatalog,
  promptPricePer1M,
  TASK_CAPABILITY_BONUS,
  TASK_NAME_BONUS,
} from "./catalog.ts";
import { seedModels, shuffled, withModel } from "./test-fixtures.ts";
import type { TaskType } from "./types.ts";
import { TASK_TYPES } from "./types.ts";

describe("prepareCatalog", () => {
  it("orders models by provider slug, then public id, whatever the input order", () => {
    const a = prepareCatalog(seedModels());
    const b = prepareCatalog(shuffled(seedModels(), 42));
    expect(b.models.map((m) => m.publicId)).toEqual(a.models.map((m) => m.publicId));
    expect(a.models.map((m) => m.publicId)).toEqual([...a.models.map((m) => m.publicId)].sort());
    expect(b.providers.map((p) => p.slug)).toEqual(a.providers.map((p) => p.slug));
    expect(a.providers.map((p) => p.slug)).toEqual([...a.providers.map((p) => p.slug)].sort());
  });

  it("keeps each provider's models contiguous", () => {
    const cat = prepareCatalog(shuffled(seedModels(), 7));
    for (let p = 0; p < cat.providers.length; p++) {
      for (let i = cat.providerStart[p]!; i < cat.providerStart[p + 1]!; i++)
        expect(cat.models[i]!.src.provider.slug).toBe(cat.providers[p]!.slug);
    }
    expect(cat.providerStart[cat.providers.length]).toBe(cat.models.length);
  });

  it("marks free models and refuses unusable catalog entries instead of mispricing them", () => {
    const cat = prepareCatalog(withModel(seedModels(), "openai/gpt-4o", { inputPricePer1M: 2.5 }));
    expect(cat.flags[cat.lookup.get("openai/gpt-4o")!]! & FLAG_INVALID).toBeTruthy();
    expect(cat.flags[cat.lookup.get("groq/mixtral-8x7b-32768")!]! & FLAG_FREE).toBeTruthy();
    expect(cat.flags[cat.lookup.get("openai/gpt-4o-mini")!]! & (FLAG_FREE | FLAG_INVALID)).toBe(0);
  });

  it("prices a prompt token at the dearest of input, cache write and cache read, for every estimate", () => {
    const sonnet = "anthropic/claude-3-5-sonnet-latest";
    const cat = prepareCatalog(
      withModel(seedModels(), sonnet, { cacheReadPricePer1M: 300_000, cacheWritePricePer1M: 3_750_000 }),
    );
    expect(cat.promptPrice[cat.lookup.get(sonnet)!]).toBe(3_750_000);
    expect(cat.promptPrice[cat.lookup.get("openai/gpt-4o-mini")!]).toBe(150_000); // no cache prices: the input price
    expect(
      promptPricePer1M({ inputPricePer1M: 2_500_000, cacheReadPricePer1M: 1_250_000, cacheWritePricePer1M: null }),
    ).toBe(2_500_000);
    // An admin's cache-read price above the input price is still covered.
    expect(promptPricePer1M({ inputPricePer1M: 100, cacheReadPricePer1M: 150 })).toBe(150);
  });

  it("a model free of input and output but with a cache price is not free; a bad cache price makes it unusable", () => {
    const groq = "groq/mixtral-8x7b-32768";
    const cached = prepareCatalog(withModel(seedModels(), groq, { cacheWritePricePer1M: 10 }));
    expect(cached.flags[cached.lookup.get(groq)!]! & FLAG_FREE).toBe(0);
    const bad = prepareCatalog(withModel(seedModels(), groq, { cacheReadPricePer1M: 0.5 }));
    expect(bad.flags[bad.lookup.get(groq)!]! & FLAG_INVALID).toBeTruthy();
  });

  it("finds models by public id, catalog id and case-insensitively", () => {
    const cat = prepareCatalog(seedModels());
    const i = cat.lookup.get("openai/gpt-4o-mini")!;
    expect(cat.models[i]!.src.name).toBe("GPT-4o Mini");
    expect(cat.lookup.get("m-openai-gpt-4o-mini")).toBe(i);
    expect(cat.lookupLower.get("local/qwen/qwen2.5-32b-instruct-awq")).toBe(
      cat.lookup.get("local/Qwen/Qwen2.5-32B-Instruct-AWQ"),
    );
  });

  it("precomputes task strength from the seed's preferred names and from capabilities", () => {
    const cat = prepareCatalog(seedModels());
    const bonus = (id: string, task: TaskType) => cat.taskBonus[TASK_TYPES.indexOf(task)]![cat.lookup.get(id)!];
    expect(bonus("anthropic/claude-3-5-sonnet-latest", "code")).toBe(TASK_NAME_BONUS + TASK_CAPABILITY_BONUS);
    expect(bonus("openai/gpt-4o-mini", "code")).toBe(TASK_CAPABILITY_BONUS);
    expect(bonus("openai/o1-mini", "reasoning")).toBe(TASK_NAME_BONUS + TASK_CAPABILITY_BONUS);
    expect(bonus("openai/gpt-4o", "creative")).toBe(TASK_NAME_BONUS + TASK_CAPABILITY_BONUS);
    expect(bonus("together/mistralai/Mixtral-8x22B-Instruct-v0.1", "rag")).toBe(
      TASK_NAME_BONUS + TASK_CAPABILITY_BONUS,
    );
    expect(bonus("openrouter/meta-llama/llama-3.3-70b-instruct", "chat")).toBe(0);
    expect(bonus("openai/gpt-4o-mini", "reasoning")).toBe(0);
  });
});
