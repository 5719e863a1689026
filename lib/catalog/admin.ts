import { z } from "zod";
import type { Db } from "../db/client.ts";
import { seal, secretPrefix } from "../crypto/secret-box.ts";
import { platformKeyAad } from "../crypto/master-key.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { usdToMicros } from "../money/units.ts";
import { powerLevelSchema } from "../router/rules.ts";

import { KIND_TO_DB } from "./provider-kinds.ts";

const usdPer1M = z.number().nonnegative().max(100_000).transform((v, ctx) => {
  try {
    return usdToMicros(v);
  } catch {
    ctx.addIssue({ code: "custom", message: "at most 6 decimals" });
    return z.NEVER;
  }
});

const simulationSchema = z.strictObject({
  first_token_ms: z.number().int().min(0).max(120_000).optional(),
  tokens_per_second: z.number().min(0).max(100_000).optional(),
  error_rate: z.number().min(0).max(1).optional(),
  error_status: z.number().int().min(400).max(599).optional(),
  reply: z.string().max(20_000).optional(),
});

export const providerBodySchema = z.strictObject({
  slug: z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "lowercase letters, digits and dashes"),
  name: z.string().trim().min(1).max(100),
  kind: z.enum(["openai-compatible", "anthropic", "simulated"]),
  base_url: z.string().trim().max(500).refine((u) => /^(https?|simulated):\/\//.test(u), "must be an http(s) URL"),
  api_key: z.string().trim().min(1).max(4096).nullish(),
  enabled: z.boolean().default(true),
  priority: z.number().int().min(0).max(1000).default(50),
  is_local: z.boolean().default(false),
  region: z.string().trim().toLowerCase().min(1).max(40).default("global"),
  compliance: z.array(z.string().trim().min(1).max(60)).max(20).default([]),
  requires_key: z.boolean().optional(),
  first_token_timeout_ms: z.number().int().min(100).max(600_000).default(15_000),
  simulation: simulationSchema.nullish(),
});

/** PATCH bodies: every field optional and without its default, so an absent field stays as it is. */
function patchOf<S extends z.ZodRawShape>(schema: z.ZodObject<S>): z.ZodType<Partial<z.infer<z.ZodObject<S>>>> {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([k, v]) => [k, (v instanceof z.ZodDefault ? (v.removeDefault() as z.ZodType) : (v as unknown as z.ZodType)).optional()]),
  );
  return z.strictObject(shape) as never;
}

export const providerPatchSchema = patchOf(providerBodySchema);

export const modelBodySchema = z.strictObject({
  provider: z.string().trim().min(1),
  upstream_id: z.string().trim().min(1).max(300),
  name: z.string().trim().min(1).max(200),
  power_level: powerLevelSchema,
  input_per_1m: usdPer1M,
  output_per_1m: usdPer1M,
  latency_ms: z.number().int().min(0).max(600_000),
  quality: z.number().min(0).max(10),
  context_tokens: z.number().int().min(1).max(100_000_000),
  capabilities: z.array(z.string().trim().toLowerCase().min(1).max(40)).max(40).default([]),
  enabled: z.boolean().default(true),
});

export const modelPatchSchema = patchOf(modelBodySchema);

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
  if (input.simulation !== undefined) data.simulation = input.simulation ?? undefined;
  if (input.requires_key !== undefined) data.requiresKey = input.requires_key;
  else if (input.kind !== undefined) data.requiresKey = input.kind !== "simulated" && !input.is_local;
  // Write-only: a key is sealed on the way in and only its prefix ever comes back out.
  if (input.api_key === null) Object.assign(data, { apiKeyCiphertext: null, apiKeyPrefix: null });
  else if (input.api_key !== undefined) Object.assign(data, { apiKeyCiphertext: seal(input.api_key, key(), platformKeyAad(providerId)), apiKeyPrefix: secretPrefix(input.api_key) });
  return data;
}

export async function createProvider(db: Db, input: z.infer<typeof providerBodySchema>, key: () => Buffer) {
  const id = crypto.randomUUID();
  return db.provider.create({ data: { id, ...providerData(input, id, key) } as never });
}

export async function updateProvider(db: Db, id: string, input: ProviderInput, key: () => Buffer) {
  if (!(await db.provider.findUnique({ where: { id }, select: { id: true } }))) throw notFound("Provider not found");
  return db.provider.update({ where: { id }, data: providerData(input, id, key) as never });
}

export async function deleteProvider(db: Db, id: string) {
  const { count } = await db.provider.deleteMany({ where: { id } });
  if (!count) throw notFound("Provider not found");
}

type ModelInput = Partial<z.infer<typeof modelBodySchema>>;

async function modelData(db: Db, input: ModelInput) {
  const data: Record<string, unknown> = {};
  if (input.provider !== undefined) {
    const p = await db.provider.findUnique({ where: { slug: input.provider }, select: { id: true } });
    if (!p) throw badRequest(`unknown provider "${input.provider}"`, "provider");
    data.providerId = p.id;
  }
  if (input.upstream_id !== undefined) data.upstreamId = input.upstream_id;
  if (input.name !== undefined) data.name = input.name;
  if (input.power_level !== undefined) data.powerLevel = input.power_level;
  if (input.input_per_1m !== undefined) data.inputPricePer1M = BigInt(input.input_per_1m);
  if (input.output_per_1m !== undefined) data.outputPricePer1M = BigInt(input.output_per_1m);
  if (input.latency_ms !== undefined) data.latencyMs = input.latency_ms;
  if (input.quality !== undefined) data.quality = input.quality;
  if (input.context_tokens !== undefined) data.contextTokens = input.context_tokens;
  if (input.capabilities !== undefined) data.capabilities = input.capabilities;
  if (input.enabled !== undefined) data.enabled = input.enabled;
  return data;
}

export async function createModel(db: Db, input: z.infer<typeof modelBodySchema>) {
  return db.llmModel.create({ data: (await modelData(db, input)) as never });
}

export async function updateModel(db: Db, id: string, input: ModelInput) {
  if (!(await db.llmModel.findUnique({ where: { id }, select: { id: true } }))) throw notFound("Model not found");
  return db.llmModel.update({ where: { id }, data: (await modelData(db, input)) as never });
}

export async function deleteModel(db: Db, id: string) {
  const { count } = await db.llmModel.deleteMany({ where: { id } });
  if (!count) throw notFound("Model not found");
}

export function ruleView(r: { id: string; name: string; description: string; priority: number; active: boolean; conditions: unknown; actions: unknown; createdAt: Date; updatedAt: Date }) {
  return { id: r.id, name: r.name, description: r.description, priority: r.priority, active: r.active, conditions: r.conditions, actions: r.actions, created_at: r.createdAt.toISOString(), updated_at: r.updatedAt.toISOString() };
}
