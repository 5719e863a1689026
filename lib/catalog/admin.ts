import { z } from "zod";
import type { Db } from "../db/client.ts";
import { seal, secretPrefix } from "../crypto/secret-box.ts";
import { platformKeyAad } from "../crypto/master-key.ts";
import { badRequest, notFound } from "../http/errors.ts";
import type { modelBodySchema, providerBodySchema } from "./schemas.ts";

import { KIND_TO_DB } from "./provider-kinds.ts";

/**
 * The gateway's cached catalog (lib/gateway/catalog-store.ts), passed in by the caller so this
 * module needs no app wiring. Every write below drops it once the write has landed: this process
 * routes with the change from its next request (others within the cache's TTL).
 */
export type CatalogCache = { invalidate(): void };

type ProviderInput = Partial<z.infer<typeof providerBodySchema>>;

function providerData(input: ProviderInput, providerId: string, key: () => Buffer) {
  const data: Record<string, unknown> = {};
  if (input.slug !== undefined) data.slug = input.slug;
  if (input.name !== undefined) data.name = input.name;
  if (input.kind !== undefined) data.kind = KIND_TO_DB[input.kind];
  if (input.base_url !== undefined) data.baseUrl = input.base_url.replace(/\/+$/, "");
  if (input.enabled !== undefined) data.enabled = input.enabled;
  if (input.priority !== undefined) data.priority = input.priority;
  if (input.is_local !== undefined) data.isLocal = input.is_local;
  if (input.region !== undefined) data.region = input.region;
  if (input.compliance !== undefined) data.compliance = input.compliance;
  if (input.first_token_timeout_ms !== undefined) data.firstTokenTimeoutMs = input.first_token_timeout_ms;
  if (input.check_interval_s !== undefined) data.checkIntervalS = input.check_interval_s;
  if (input.simulation !== undefined) data.simulation = input.simulation ?? undefined;
  if (input.requires_key !== undefined) data.requiresKey = input.requires_key;
  else if (input.kind !== undefined) data.requiresKey = input.kind !== "simulated" && !input.is_local;
  // Write-only: a key is sealed on the way in and only its prefix ever comes back out.
  if (input.api_key === null) Object.assign(data, { apiKeyCiphertext: null, apiKeyPrefix: null });
  else if (input.api_key !== undefined) Object.assign(data, { apiKeyCiphertext: seal(input.api_key, key(), platformKeyAad(providerId)), apiKeyPrefix: secretPrefix(input.api_key) });
  return data;
}

export async function createProvider(db: Db, input: z.infer<typeof providerBodySchema>, key: () => Buffer, catalog: CatalogCache) {
  const id = crypto.randomUUID();
  const created = await db.provider.create({ data: { id, ...providerData(input, id, key) } as never });
  catalog.invalidate();
  return created;
}

export async function updateProvider(db: Db, id: string, input: ProviderInput, key: () => Buffer, catalog: CatalogCache) {
  if (!(await db.provider.findUnique({ where: { id }, select: { id: true } }))) throw notFound("Provider not found");
  // An edited provider (a new key, URL…) is checked afresh: its last check no longer says anything.
  const [, updated] = await db.$transaction([db.providerCheck.deleteMany({ where: { providerId: id } }), db.provider.update({ where: { id }, data: providerData(input, id, key) as never })]);
  catalog.invalidate();
  return updated;
}

export async function deleteProvider(db: Db, id: string, catalog: CatalogCache) {
  const { count } = await db.provider.deleteMany({ where: { id } });
  if (!count) throw notFound("Provider not found");
  catalog.invalidate();
}

type ModelInput = Partial<z.infer<typeof modelBodySchema>>;

async function modelData(db: Db, input: ModelInput) {
  const data: Record<string, unknown> = {};
  if (input.provider !== undefined) {
    const p = await db.provider.findUnique({ where: { slug: input.provider }, select: { id: true } });
    if (!p) throw badRequest(`There is no provider "${input.provider}"`, "provider");
    data.providerId = p.id;
  }
  if (input.upstream_id !== undefined) data.upstreamId = input.upstream_id;
  if (input.name !== undefined) data.name = input.name;
  if (input.power_level !== undefined) data.powerLevel = input.power_level;
  if (input.input_per_1m !== undefined) data.inputPricePer1M = BigInt(input.input_per_1m);
  if (input.output_per_1m !== undefined) data.outputPricePer1M = BigInt(input.output_per_1m);
  if (input.cache_read_per_1m !== undefined) data.cacheReadPricePer1M = input.cache_read_per_1m === null ? null : BigInt(input.cache_read_per_1m);
  if (input.cache_write_per_1m !== undefined) data.cacheWritePricePer1M = input.cache_write_per_1m === null ? null : BigInt(input.cache_write_per_1m);
  if (input.latency_ms !== undefined) data.latencyMs = input.latency_ms;
  if (input.quality !== undefined) data.quality = input.quality;
  if (input.context_tokens !== undefined) data.contextTokens = input.context_tokens;
  if (input.capabilities !== undefined) data.capabilities = input.capabilities;
  if (input.enabled !== undefined) data.enabled = input.enabled;
  return data;
}

export async function createModel(db: Db, input: z.infer<typeof modelBodySchema>, catalog: CatalogCache) {
  const created = await db.llmModel.create({ data: (await modelData(db, input)) as never });
  catalog.invalidate();
  return created;
}

export async function updateModel(db: Db, id: string, input: ModelInput, catalog: CatalogCache) {
  if (!(await db.llmModel.findUnique({ where: { id }, select: { id: true } }))) throw notFound("Model not found");
  const updated = await db.llmModel.update({ where: { id }, data: (await modelData(db, input)) as never });
  catalog.invalidate();
  return updated;
}

export async function deleteModel(db: Db, id: string, catalog: CatalogCache) {
  const { count } = await db.llmModel.deleteMany({ where: { id } });
  if (!count) throw notFound("Model not found");
  catalog.invalidate();
}
