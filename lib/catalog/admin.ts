import { z } from "zod";
import type { Db } from "../db/client.ts";
import type { Prisma } from "../generated/prisma/client.ts";
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

type ProviderBody = z.infer<typeof providerBodySchema>;
type ProviderInput = Partial<ProviderBody>;
/** Column values (no relations, no update operators): what both a create and an update take. */
type ProviderColumns = Partial<Prisma.ProviderCreateManyInput>;

const baseUrlOf = (url: string) => url.replace(/\/+$/, "");

/** The columns the body's fields set; a field the body lacks sets none (a PATCH leaves it as it is). */
function providerColumns(input: ProviderInput, providerId: string, key: () => Buffer): ProviderColumns {
  const data: ProviderColumns = {};
  if (input.slug !== undefined) data.slug = input.slug;
  if (input.name !== undefined) data.name = input.name;
  if (input.kind !== undefined) data.kind = KIND_TO_DB[input.kind];
  if (input.base_url !== undefined) data.baseUrl = baseUrlOf(input.base_url);
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
  if (input.api_key === null) {
    data.apiKeyCiphertext = null;
    data.apiKeyPrefix = null;
  } else if (input.api_key !== undefined) {
    data.apiKeyCiphertext = seal(input.api_key, key(), platformKeyAad(providerId));
    data.apiKeyPrefix = secretPrefix(input.api_key);
  }
  return data;
}

export async function createProvider(db: Db, input: ProviderBody, key: () => Buffer, catalog: CatalogCache) {
  const id = crypto.randomUUID();
  // The columns without a default, set again from the whole body so the compiler sees them present.
  const data: Prisma.ProviderUncheckedCreateInput = {
    id,
    ...providerColumns(input, id, key),
    slug: input.slug,
    name: input.name,
    kind: KIND_TO_DB[input.kind],
    baseUrl: baseUrlOf(input.base_url),
  };
  const created = await db.provider.create({ data });
  catalog.invalidate();
  return created;
}

export async function updateProvider(
  db: Db,
  id: string,
  input: ProviderInput,
  key: () => Buffer,
  catalog: CatalogCache,
) {
  if (!(await db.provider.findUnique({ where: { id }, select: { id: true } }))) throw notFound("Provider not found");
  const data: Prisma.ProviderUncheckedUpdateInput = providerColumns(input, id, key);
  // An edited provider (a new key, URL…) is checked afresh: its last check no longer says anything.
  const [, updated] = await db.$transaction([
    db.providerCheck.deleteMany({ where: { providerId: id } }),
    db.provider.update({ where: { id }, data }),
  ]);
  catalog.invalidate();
  return updated;
}

export async function deleteProvider(db: Db, id: string, catalog: CatalogCache) {
  const { count } = await db.provider.deleteMany({ where: { id } });
  if (!count) throw notFound("Provider not found");
  catalog.invalidate();
}

type ModelBody = z.infer<typeof modelBodySchema>;
type ModelInput = Partial<ModelBody>;
type ModelColumns = Partial<Prisma.LlmModelCreateManyInput>;

async function providerIdOf(db: Db, slug: string): Promise<string> {
  const p = await db.provider.findUnique({ where: { slug }, select: { id: true } });
  if (!p) throw badRequest(`There is no provider "${slug}"`, "provider");
  return p.id;
}

/** The columns the body's fields set, but its provider (a slug, looked up by the caller). */
function modelColumns(input: ModelInput): ModelColumns {
  const data: ModelColumns = {};
  if (input.upstream_id !== undefined) data.upstreamId = input.upstream_id;
  if (input.name !== undefined) data.name = input.name;
  if (input.power_level !== undefined) data.powerLevel = input.power_level;
  if (input.input_per_1m !== undefined) data.inputPricePer1M = BigInt(input.input_per_1m);
  if (input.output_per_1m !== undefined) data.outputPricePer1M = BigInt(input.output_per_1m);
  if (input.cache_read_per_1m !== undefined)
    data.cacheReadPricePer1M = input.cache_read_per_1m === null ? null : BigInt(input.cache_read_per_1m);
  if (input.cache_write_per_1m !== undefined)
    data.cacheWritePricePer1M = input.cache_write_per_1m === null ? null : BigInt(input.cache_write_per_1m);
  if (input.latency_ms !== undefined) data.latencyMs = input.latency_ms;
  if (input.quality !== undefined) data.quality = input.quality;
  if (input.context_tokens !== undefined) data.contextTokens = input.context_tokens;
  if (input.capabilities !== undefined) data.capabilities = input.capabilities;
  if (input.enabled !== undefined) data.enabled = input.enabled;
  return data;
}

export async function createModel(db: Db, input: ModelBody, catalog: CatalogCache) {
  const providerId = await providerIdOf(db, input.provider);
  // The columns without a default, set again from the whole body so the compiler sees them present.
  const data: Prisma.LlmModelUncheckedCreateInput = {
    ...modelColumns(input),
    providerId,
    upstreamId: input.upstream_id,
    name: input.name,
    powerLevel: input.power_level,
    inputPricePer1M: BigInt(input.input_per_1m),
    outputPricePer1M: BigInt(input.output_per_1m),
    latencyMs: input.latency_ms,
    quality: input.quality,
    contextTokens: input.context_tokens,
  };
  const created = await db.llmModel.create({ data });
  catalog.invalidate();
  return created;
}

export async function updateModel(db: Db, id: string, input: ModelInput, catalog: CatalogCache) {
  if (!(await db.llmModel.findUnique({ where: { id }, select: { id: true } }))) throw notFound("Model not found");
  const data: Prisma.LlmModelUncheckedUpdateInput = modelColumns(input);
  if (input.provider !== undefined) data.providerId = await providerIdOf(db, input.provider);
  const updated = await db.llmModel.update({ where: { id }, data });
  catalog.invalidate();
  return updated;
}

export async function deleteModel(db: Db, id: string, catalog: CatalogCache) {
  const { count } = await db.llmModel.deleteMany({ where: { id } });
  if (!count) throw notFound("Model not found");
  catalog.invalidate();
}
