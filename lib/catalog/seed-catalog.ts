import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { usdToMicros } from "../money/units.ts";

import { POWER_LEVELS } from "../router/types.ts";
import { KIND_TO_DB, PROVIDER_KINDS } from "./provider-kinds.ts";

const catalogSchema = z.object({
  providers: z.array(
    z.object({
      slug: z.string(),
      name: z.string(),
      kind: z.enum(PROVIDER_KINDS),
      baseUrl: z.string(),
      priority: z.number().int(),
      requiresByok: z.boolean(),
      isLocal: z.boolean(),
      region: z.string(),
      compliance: z.array(z.string()),
      simulation: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
  models: z.array(
    z.object({
      provider: z.string(),
      upstreamId: z.string(),
      name: z.string(),
      powerLevel: z.enum(POWER_LEVELS),
      inputPer1M: z.number().nonnegative(),
      outputPer1M: z.number().nonnegative(),
      /** The provider's prompt-cache prices; null or absent: cached tokens cost the input price. */
      cacheReadPer1M: z.number().nonnegative().nullish(),
      cacheWritePer1M: z.number().nonnegative().nullish(),
      latencyMs: z.number().int().nonnegative(),
      quality: z.number().min(0).max(10),
      contextTokens: z.number().int().positive(),
      capabilities: z.array(z.string()),
    }),
  ),
  powerLevels: z.record(z.string(), z.unknown()),
  taskPreferences: z.record(z.string(), z.array(z.string())),
});

export type SeedCatalog = z.infer<typeof catalogSchema>;

export function loadSeedCatalog(path: string): SeedCatalog {
  return catalogSchema.parse(JSON.parse(readFileSync(path, "utf8")));
}

const SEEDED_KEY = "catalog.seeded";
const SEED_LOCK = 72707371;
/**
 * `cachePrices`: models whose cache prices the seed has settled (absent in databases seeded before
 * cache prices existed). `capabilities`: `<model>#<capability>` pairs of LATER_CAPABILITIES the
 * seed has offered.
 */
type Seeded = { providers: string[]; models: string[]; cachePrices?: string[]; capabilities?: string[] };

/**
 * Capabilities the router learnt to require after models were first seeded ("json": response_format
 * routes only to models that have it). A model seeded before gets them from the catalog once, so an
 * upgrade does not leave JSON requests with no model; one an admin takes away later stays away.
 */
const LATER_CAPABILITIES = ["json"];

type SeedModel = SeedCatalog["models"][number];
const micros = (usd: number | null | undefined) => (usd == null ? null : BigInt(usdToMicros(usd)));

/** Adds the LATER_CAPABILITIES a model lacks (`due`: those the seed has never offered it). */
async function backfillCapabilities(
  tx: Parameters<Parameters<Db["$transaction"]>[0]>[0],
  providerId: string,
  m: SeedModel,
  due: string[],
): Promise<void> {
  const row = await tx.llmModel.findFirst({
    where: { providerId, upstreamId: m.upstreamId },
    select: { id: true, capabilities: true },
  });
  const missing = due.filter((c) => !row?.capabilities.includes(c));
  if (row && missing.length)
    await tx.llmModel.update({ where: { id: row.id }, data: { capabilities: { push: missing } } });
}

/**
 * A model seeded before cache prices existed gets the catalog's, once, if an admin has not
 * changed its input price (cache prices are quoted against it) and no cache price is set yet:
 * otherwise it keeps what it has, and the admin sets them.
 */
async function backfillCachePrices(
  tx: Parameters<Parameters<Db["$transaction"]>[0]>[0],
  providerId: string,
  m: SeedModel,
): Promise<void> {
  if (m.cacheReadPer1M == null && m.cacheWritePer1M == null) return;
  await tx.llmModel.updateMany({
    where: {
      providerId,
      upstreamId: m.upstreamId,
      inputPricePer1M: micros(m.inputPer1M)!,
      cacheReadPricePer1M: null,
      cacheWritePricePer1M: null,
    },
    data: { cacheReadPricePer1M: micros(m.cacheReadPer1M), cacheWritePricePer1M: micros(m.cacheWritePer1M) },
  });
}

/**
 * Inserts catalog entries this database has never been seeded with. Entries seeded before are
 * never touched again, so an admin's edits and deletions survive restarts and upgrades, and a
 * newer catalog only adds what is new — with two exceptions, once per model: cache prices for
 * models seeded before they existed (backfillCachePrices says when), and LATER_CAPABILITIES.
 */
export async function seedCatalog(db: Db, catalog: SeedCatalog): Promise<{ providers: number; models: number }> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK}::bigint)`;
      const row = await tx.systemSetting.findUnique({ where: { key: SEEDED_KEY } });
      const seeded: Seeded = (row?.value as Seeded | undefined) ?? { providers: [], models: [] };
      const seededProviders = new Set(seeded.providers);
      const seededModels = new Set(seeded.models);
      const seededCachePrices = new Set(seeded.cachePrices ?? []);
      const offeredCapabilities = new Set(seeded.capabilities ?? []);
      let providers = 0;
      let models = 0;

      for (const p of catalog.providers) {
        if (seededProviders.has(p.slug)) continue;
        seededProviders.add(p.slug);
        const exists = await tx.provider.findUnique({ where: { slug: p.slug }, select: { id: true } });
        if (exists) continue;
        await tx.provider.create({
          data: {
            slug: p.slug,
            name: p.name,
            kind: KIND_TO_DB[p.kind],
            baseUrl: p.baseUrl,
            priority: p.priority,
            isLocal: p.isLocal,
            region: p.region,
            compliance: p.compliance,
            // Local and simulated endpoints take no key; every cloud provider needs one (platform or BYOK).
            requiresKey: !(p.isLocal || p.kind === "simulated"),
            simulation: (p.simulation as object | undefined) ?? undefined,
          },
        });
        providers++;
      }

      const providerIds = new Map(
        (await tx.provider.findMany({ select: { id: true, slug: true } })).map((p) => [p.slug, p.id]),
      );
      for (const m of catalog.models) {
        const key = `${m.provider}/${m.upstreamId}`;
        const providerId = providerIds.get(m.provider);
        const cachePricesDue = !seededCachePrices.has(key);
        seededCachePrices.add(key);
        const capabilitiesDue = m.capabilities.filter(
          (c) => LATER_CAPABILITIES.includes(c) && !offeredCapabilities.has(`${key}#${c}`),
        );
        capabilitiesDue.forEach((c) => offeredCapabilities.add(`${key}#${c}`));
        if (seededModels.has(key)) {
          if (cachePricesDue && providerId) await backfillCachePrices(tx, providerId, m);
          if (capabilitiesDue.length && providerId) await backfillCapabilities(tx, providerId, m, capabilitiesDue);
          continue;
        }
        seededModels.add(key);
        if (!providerId) continue; // its provider was deleted by an admin
        const created = await tx.llmModel.createMany({
          data: [
            {
              providerId,
              upstreamId: m.upstreamId,
              name: m.name,
              powerLevel: m.powerLevel,
              inputPricePer1M: micros(m.inputPer1M)!,
              outputPricePer1M: micros(m.outputPer1M)!,
              cacheReadPricePer1M: micros(m.cacheReadPer1M),
              cacheWritePricePer1M: micros(m.cacheWritePer1M),
              latencyMs: m.latencyMs,
              quality: m.quality,
              contextTokens: m.contextTokens,
              capabilities: m.capabilities,
            },
          ],
          skipDuplicates: true,
        });
        models += created.count;
      }

      for (const [key, value] of [
        ["catalog.power_levels", catalog.powerLevels],
        ["catalog.task_preferences", catalog.taskPreferences],
      ] as const) {
        const existing = await tx.systemSetting.findUnique({ where: { key } });
        if (!existing) await tx.systemSetting.create({ data: { key, value: value as object } });
      }
      const next: Seeded = {
        providers: [...seededProviders],
        models: [...seededModels],
        cachePrices: [...seededCachePrices],
        capabilities: [...offeredCapabilities],
      };
      await tx.systemSetting.upsert({
        where: { key: SEEDED_KEY },
        create: { key: SEEDED_KEY, value: next },
        update: { value: next },
      });
      return { providers, models };
    },
    { maxWait: 60_000, timeout: 120_000 },
  );
}
