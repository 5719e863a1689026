// The model catalog an operator gets on first start, and what restarts/upgrades do to it.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapDatabase, MIGRATIONS_DIR, SEED_CATALOG } from "../../lib/db/bootstrap.ts";
import { createDb, type Db } from "../../lib/db/client.ts";
import { migrate } from "../../lib/db/migrate.ts";
import { loadSeedCatalog, seedCatalog } from "../../lib/catalog/seed-catalog.ts";
import { createTestDatabase, dbKind, sql, type TestDatabase } from "../setup/test-db.ts";

// Read here as plain JSON, independently of the code under test.
type RawCatalog = {
  providers: {
    slug: string;
    name: string;
    kind: string;
    isLocal: boolean;
    region: string;
    compliance: string[];
    priority: number;
    baseUrl: string;
  }[];
  models: {
    provider: string;
    upstreamId: string;
    name: string;
    powerLevel: string;
    inputPer1M: number;
    outputPer1M: number;
    cacheReadPer1M?: number | null;
    cacheWritePer1M?: number | null;
    contextTokens: number;
    capabilities: string[];
  }[];
  powerLevels: Record<string, unknown>;
  taskPreferences: Record<string, string[]>;
};
const raw = JSON.parse(readFileSync(SEED_CATALOG, "utf8")) as RawCatalog;
const usdPer1MToMicros = (usd: number) => BigInt(Math.round(usd * 1_000_000));
const cacheMicros = (usd: number | null | undefined) => (usd == null ? null : usdPer1MToMicros(usd));

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});
afterAll(async () => {
  await database?.drop();
});

async function counts(on: Db = db) {
  return { providers: await on.provider.count(), models: await on.llmModel.count() };
}

/** A second app start on the same database (migrate + seed), as `npm start` does it. */
async function restart(): Promise<void> {
  const again = await bootstrapDatabase({ url: database.url });
  await again.$disconnect();
}

function findModel(provider: string, upstreamId: string, on: Db = db) {
  return on.llmModel.findFirst({ where: { upstreamId, provider: { slug: provider } } });
}

describe("catalog seeding", () => {
  it("a fresh database gets every provider and model of the catalog, with integer micro-USD prices", async () => {
    // Counts come from the catalog file (12 providers / 29 models when first written; it grows).
    expect(raw.providers.length).toBeGreaterThanOrEqual(12);
    expect(raw.models.length).toBeGreaterThanOrEqual(29);
    expect(await counts()).toEqual({ providers: raw.providers.length, models: raw.models.length });

    const providers = await db.provider.findMany();
    expect(providers.map((p) => p.slug).sort()).toEqual(raw.providers.map((p) => p.slug).sort());
    const local = providers.find((p) => p.slug === "local")!;
    expect(local).toMatchObject({ isLocal: true, requiresKey: false, kind: "OPENAI_COMPATIBLE", enabled: true });
    expect(providers.find((p) => p.slug === "openai")).toMatchObject({
      isLocal: false,
      requiresKey: true,
      baseUrl: raw.providers.find((p) => p.slug === "openai")!.baseUrl,
    });
    expect(providers.find((p) => p.slug === "anthropic")!.kind).toBe("ANTHROPIC");
    // Local and simulated endpoints take no key; every cloud provider needs one.
    for (const p of raw.providers) {
      expect(providers.find((row) => row.slug === p.slug)!.requiresKey, p.slug).toBe(
        !(p.isLocal || p.kind === "simulated"),
      );
    }

    const mini = await findModel("openai", "gpt-4o-mini");
    expect(mini).not.toBeNull();
    expect(mini!.inputPricePer1M).toBe(150_000n); // $0.15 per 1M input tokens
    expect(mini!.outputPricePer1M).toBe(600_000n); // $0.60 per 1M output tokens
    for (const m of raw.models) {
      const row = await findModel(m.provider, m.upstreamId);
      expect(row, `${m.provider}/${m.upstreamId}`).not.toBeNull();
      expect({
        name: row!.name,
        powerLevel: row!.powerLevel,
        input: row!.inputPricePer1M,
        output: row!.outputPricePer1M,
        cacheRead: row!.cacheReadPricePer1M,
        cacheWrite: row!.cacheWritePricePer1M,
        context: row!.contextTokens,
      }).toEqual({
        name: m.name,
        powerLevel: m.powerLevel,
        input: usdPer1MToMicros(m.inputPer1M),
        output: usdPer1MToMicros(m.outputPer1M),
        cacheRead: cacheMicros(m.cacheReadPer1M),
        cacheWrite: cacheMicros(m.cacheWritePer1M),
        context: m.contextTokens,
      });
    }
    // Cache prices as the providers list them: Anthropic reads at 10% and writes at 125% of input, OpenAI cached input at half.
    expect(await findModel("anthropic", "claude-3-5-sonnet-latest")).toMatchObject({
      inputPricePer1M: 3_000_000n,
      cacheReadPricePer1M: 300_000n,
      cacheWritePricePer1M: 3_750_000n,
    });
    expect(mini).toMatchObject({ cacheReadPricePer1M: 75_000n, cacheWritePricePer1M: null });
    expect(await findModel("deepseek", "deepseek-chat")).toMatchObject({
      cacheReadPricePer1M: 70_000n,
      cacheWritePricePer1M: null,
    });
    // Stored as integers in the database, not floats.
    const priceColumns = await sql<{ column_name: string; data_type: string }>(
      database.url,
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'models' AND column_name LIKE '%price%' ORDER BY column_name`,
    );
    expect(priceColumns).toEqual([
      { column_name: "cache_read_price_per_1m_micros", data_type: "bigint" },
      { column_name: "cache_write_price_per_1m_micros", data_type: "bigint" },
      { column_name: "input_price_per_1m_micros", data_type: "bigint" },
      { column_name: "output_price_per_1m_micros", data_type: "bigint" },
    ]);

    const settings = new Map((await db.systemSetting.findMany()).map((s) => [s.key, s.value]));
    expect(settings.get("catalog.power_levels")).toEqual(raw.powerLevels);
    expect(settings.get("catalog.task_preferences")).toEqual(raw.taskPreferences);
    expect(Object.keys(raw.powerLevels).sort()).toEqual(["BALANCED", "ECO", "PRECISION"]);
  });

  it("restarting does not duplicate anything", async () => {
    const before = await counts();
    await restart();
    await restart();
    expect(await counts()).toEqual(before);
    expect(await seedCatalog(db, loadSeedCatalog(SEED_CATALOG))).toEqual({ providers: 0, models: 0 });
    expect(await db.systemSetting.count({ where: { key: { startsWith: "catalog." } } })).toBe(3);
  });

  it("an admin's edits and deletions survive restarts", async () => {
    const mini = (await findModel("openai", "gpt-4o-mini"))!;
    await db.llmModel.update({
      where: { id: mini.id },
      data: { name: "Mini (house default)", inputPricePer1M: 123_456n, enabled: false },
    });
    await db.provider.update({ where: { slug: "groq" }, data: { name: "Groq (EU contract)", priority: 1 } });
    const deletedModel = raw.models.find((m) => m.provider === "anthropic")!;
    await db.llmModel.deleteMany({ where: { upstreamId: deletedModel.upstreamId, provider: { slug: "anthropic" } } });
    const deletedProviderModels = raw.models.filter((m) => m.provider === "deepseek").length;
    await db.provider.delete({ where: { slug: "deepseek" } }); // cascades to its models
    await db.systemSetting.update({
      where: { key: "catalog.power_levels" },
      data: { value: { ECO: { edited: true } } },
    });
    const after = await counts();
    expect(after).toEqual({
      providers: raw.providers.length - 1,
      models: raw.models.length - 1 - deletedProviderModels,
    });

    await restart();

    expect(await counts()).toEqual(after);
    expect(await findModel("openai", "gpt-4o-mini")).toMatchObject({
      name: "Mini (house default)",
      inputPricePer1M: 123_456n,
      outputPricePer1M: 600_000n,
      enabled: false,
    });
    expect(await db.provider.findUnique({ where: { slug: "groq" } })).toMatchObject({
      name: "Groq (EU contract)",
      priority: 1,
    });
    expect(await findModel("anthropic", deletedModel.upstreamId)).toBeNull();
    expect(await db.provider.findUnique({ where: { slug: "deepseek" } })).toBeNull();
    expect((await db.systemSetting.findUnique({ where: { key: "catalog.power_levels" } }))!.value).toEqual({
      ECO: { edited: true },
    });
  });

  it("a newer catalog adds only its new entries", async () => {
    const catalog = loadSeedCatalog(SEED_CATALOG);
    const before = await counts();
    const newer = {
      ...catalog,
      providers: [...catalog.providers, { ...catalog.providers[1]!, slug: "newcloud", name: "New Cloud" }],
      models: [
        ...catalog.models,
        {
          ...catalog.models[0]!,
          provider: "openai",
          upstreamId: "gpt-next",
          name: "GPT Next",
          inputPer1M: 2.5,
          outputPer1M: 10,
        },
        {
          ...catalog.models[0]!,
          provider: "newcloud",
          upstreamId: "nc-1",
          name: "NC 1",
          inputPer1M: 0.000001,
          outputPer1M: 0,
        },
      ],
    };
    expect(await seedCatalog(db, newer)).toEqual({ providers: 1, models: 2 });
    expect(await counts()).toEqual({ providers: before.providers + 1, models: before.models + 2 });
    expect(await findModel("openai", "gpt-next")).toMatchObject({
      inputPricePer1M: 2_500_000n,
      outputPricePer1M: 10_000_000n,
    });
    expect(await findModel("newcloud", "nc-1")).toMatchObject({ inputPricePer1M: 1n });
    // Earlier edits and deletions are still respected.
    expect(await findModel("openai", "gpt-4o-mini")).toMatchObject({ inputPricePer1M: 123_456n });
    expect(await db.provider.findUnique({ where: { slug: "deepseek" } })).toBeNull();
    expect(await seedCatalog(db, newer)).toEqual({ providers: 0, models: 0 });
  });

  it("an install seeded before cache prices existed gets them once, where an admin has not changed the input price", async () => {
    const fresh = await createTestDatabase();
    const on = fresh.db;
    try {
      // What the previous version left: no cache prices, and a seeded list without cachePrices.
      await on.llmModel.updateMany({ data: { cacheReadPricePer1M: null, cacheWritePricePer1M: null } });
      const row = (await on.systemSetting.findUnique({ where: { key: "catalog.seeded" } }))!;
      const { cachePrices: _dropped, ...older } = row.value as {
        providers: string[];
        models: string[];
        cachePrices?: string[];
      };
      await on.systemSetting.update({ where: { key: "catalog.seeded" }, data: { value: older } });
      // The admin had repriced Opus (cache prices are quoted against the input price).
      const opus = (await findModel("anthropic", "claude-3-opus-latest", on))!;
      await on.llmModel.update({ where: { id: opus.id }, data: { inputPricePer1M: 12_000_000n } });

      expect(await seedCatalog(on, loadSeedCatalog(SEED_CATALOG))).toEqual({ providers: 0, models: 0 });
      expect(await findModel("anthropic", "claude-3-5-sonnet-latest", on)).toMatchObject({
        cacheReadPricePer1M: 300_000n,
        cacheWritePricePer1M: 3_750_000n,
      });
      expect(await findModel("openai", "gpt-4o", on)).toMatchObject({
        cacheReadPricePer1M: 1_250_000n,
        cacheWritePricePer1M: null,
      });
      expect(await findModel("anthropic", "claude-3-opus-latest", on)).toMatchObject({
        inputPricePer1M: 12_000_000n,
        cacheReadPricePer1M: null,
        cacheWritePricePer1M: null,
      });

      // Once only: an admin who then clears a cache price keeps it cleared across restarts.
      const sonnet = (await findModel("anthropic", "claude-3-5-sonnet-latest", on))!;
      await on.llmModel.update({
        where: { id: sonnet.id },
        data: { cacheReadPricePer1M: null, cacheWritePricePer1M: null },
      });
      await seedCatalog(on, loadSeedCatalog(SEED_CATALOG));
      expect(await findModel("anthropic", "claude-3-5-sonnet-latest", on)).toMatchObject({
        cacheReadPricePer1M: null,
        cacheWritePricePer1M: null,
      });
      expect(await on.systemSetting.count({ where: { key: { startsWith: "catalog." } } })).toBe(3);
    } finally {
      await fresh.drop();
    }
  });

  it("an install seeded before the json capability gets it once, where the catalog has it; an admin who removes it keeps it removed", async () => {
    const fresh = await createTestDatabase();
    const on = fresh.db;
    const caps = async (provider: string, upstreamId: string) =>
      (await findModel(provider, upstreamId, on))!.capabilities;
    try {
      const withJson = raw.models.filter((m) => m.capabilities.includes("json"));
      expect(withJson.length).toBeGreaterThan(0);
      expect(withJson.some((m) => m.provider === "anthropic")).toBe(false);
      // What the previous version left: no model with "json", and a seeded record without capabilities.
      for (const m of await on.llmModel.findMany({ where: { capabilities: { has: "json" } } })) {
        await on.llmModel.update({
          where: { id: m.id },
          data: { capabilities: m.capabilities.filter((c) => c !== "json") },
        });
      }
      const row = (await on.systemSetting.findUnique({ where: { key: "catalog.seeded" } }))!;
      const { capabilities: _dropped, ...older } = row.value as {
        providers: string[];
        models: string[];
        cachePrices?: string[];
        capabilities?: string[];
      };
      await on.systemSetting.update({ where: { key: "catalog.seeded" }, data: { value: older } });
      // Before the upgrade an admin had tagged a model "json" by hand, one the catalog tags too, and one it does not.
      const gpt4o = (await findModel("openai", "gpt-4o", on))!;
      const before = gpt4o.capabilities;
      expect(raw.models.find((m) => m.provider === "openai" && m.upstreamId === "gpt-4o")!.capabilities).toContain(
        "json",
      );
      await on.llmModel.update({ where: { id: gpt4o.id }, data: { capabilities: [...before, "json"] } });
      const sonnet = (await findModel("anthropic", "claude-3-5-sonnet-latest", on))!;
      await on.llmModel.update({ where: { id: sonnet.id }, data: { capabilities: [...sonnet.capabilities, "json"] } });

      expect(await seedCatalog(on, loadSeedCatalog(SEED_CATALOG))).toEqual({ providers: 0, models: 0 });
      for (const m of raw.models) {
        const got = await caps(m.provider, m.upstreamId);
        // Exactly the catalog's list (json appended once, never twice), except what the admin added.
        const expected =
          m.provider === "anthropic" && m.upstreamId === "claude-3-5-sonnet-latest"
            ? [...m.capabilities, "json"]
            : m.capabilities;
        expect([...got].sort(), `${m.provider}/${m.upstreamId}`).toEqual([...expected].sort());
      }

      // Once only: an admin who then takes "json" off a model keeps it off across restarts.
      const mini = (await findModel("openai", "gpt-4o-mini", on))!;
      await on.llmModel.update({
        where: { id: mini.id },
        data: { capabilities: mini.capabilities.filter((c) => c !== "json") },
      });
      await seedCatalog(on, loadSeedCatalog(SEED_CATALOG));
      await seedCatalog(on, loadSeedCatalog(SEED_CATALOG));
      expect(await caps("openai", "gpt-4o-mini")).not.toContain("json");
      expect((await caps("openai", "gpt-4o")).filter((c) => c === "json")).toEqual(["json"]);
      expect(await on.systemSetting.count({ where: { key: { startsWith: "catalog." } } })).toBe(3);
    } finally {
      await fresh.drop();
    }
  });

  it("two app processes seeding a fresh database at once create each entry once", async () => {
    const fresh = await createTestDatabase({ bare: true });
    const a = createDb(fresh.url, 2);
    const b = createDb(fresh.url, 2);
    try {
      await migrate(fresh.url, MIGRATIONS_DIR);
      const catalog = loadSeedCatalog(SEED_CATALOG);
      const settled = await Promise.allSettled([seedCatalog(a, catalog), seedCatalog(b, catalog)]);
      const results = settled.filter((r) => r.status === "fulfilled").map((r) => r.value);
      const errors = settled
        .filter((r) => r.status === "rejected")
        .map((r) => r.reason as { code?: string; message?: string });
      if (dbKind() === "postgres") {
        // The advisory lock makes the second wait for the first, then find everything seeded.
        expect(errors).toEqual([]);
      } else {
        // The embedded server runs one transaction at a time: the second seed's BEGIN waits for
        // the first to commit, and Prisma gives up after its default maxWait (2 s) with P2028
        // when the first takes longer (it does on a loaded machine). Either way: no duplicates.
        for (const err of errors) expect(err.code, err.message).toBe("P2028");
        expect(results.length).toBeGreaterThanOrEqual(1);
      }
      const created = results.reduce(
        (sum, r) => ({ providers: sum.providers + r.providers, models: sum.models + r.models }),
        { providers: 0, models: 0 },
      );
      expect(created).toEqual({ providers: raw.providers.length, models: raw.models.length });
      expect(await counts(a)).toEqual({ providers: raw.providers.length, models: raw.models.length });
      expect(await a.systemSetting.count({ where: { key: { startsWith: "catalog." } } })).toBe(3);
      // And a later start finds nothing left to do.
      expect(await seedCatalog(b, catalog)).toEqual({ providers: 0, models: 0 });
    } finally {
      await a.$disconnect();
      await b.$disconnect();
      await fresh.drop();
    }
  });
});
