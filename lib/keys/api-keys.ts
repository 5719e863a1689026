import type { Db } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { PowerLevel } from "../router/types.ts";
import { generateApiKey } from "../auth/api-keys.ts";
import { badRequest, conflict, notFound } from "../http/errors.ts";
import { invalidateIdentity } from "../auth/identity-cache.ts";
import { microsToUsd, usdToMicros } from "../money/units.ts";
import { recountKeySpend, utcMonthStart } from "../ledger/ledger.ts";
import { invalidateMoney } from "../ledger/money-cache.ts";
import { fenceSelect, modelAllowed, parseFences } from "./fences.ts";
import type { CreateKeyInput, UpdateKeyInput } from "./schemas.ts";

const select = {
  id: true,
  name: true,
  prefix: true,
  createdAt: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
  ...fenceSelect,
  spendMonth: true,
  monthSpendMicros: true,
  monthReservedMicros: true,
} as const;

type Row = {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  monthlyLimitMicros: bigint | null;
  allowedPowerLevels: PowerLevel[];
  allowedModels: string[];
  rpm: number | null;
  tpm: number | null;
  routingProfile: unknown;
  spendMonth: Date | null;
  monthSpendMicros: bigint;
  monthReservedMicros: bigint;
};

/**
 * The key's JSON view (never the key itself): its fences and what it spent this UTC month — the
 * counter the limit is held against for a key with a limit, else `usageSpend` (its usage rows).
 */
export function keyView(k: Row, usageSpend = 0, now = new Date()) {
  const thisMonth = k.spendMonth !== null && k.spendMonth.getTime() === utcMonthStart(now).getTime();
  const spent = k.monthlyLimitMicros === null ? usageSpend : thisMonth ? Number(k.monthSpendMicros) : 0;
  const profile = parseFences(k)?.routingProfile ?? null;
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    created_at: k.createdAt.toISOString(),
    expires_at: k.expiresAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    monthly_limit_usd: k.monthlyLimitMicros === null ? null : microsToUsd(k.monthlyLimitMicros),
    allowed_power_levels: k.allowedPowerLevels.length ? k.allowedPowerLevels : null,
    allowed_models: k.allowedModels.length ? k.allowedModels : null,
    rpm: k.rpm,
    tpm: k.tpm,
    routing_profile: profile,
    /** Charged to requests made with this key since the first of the month (UTC). */
    month_spend_usd: microsToUsd(spent),
    /** Held by its requests in flight (counts against the limit until they settle). */
    held_usd: microsToUsd(k.monthReservedMicros),
  };
}

export type ApiKeyView = ReturnType<typeof keyView>;

type FenceData = {
  monthlyLimitMicros?: bigint | null;
  allowedPowerLevels?: PowerLevel[];
  allowedModels?: string[];
  rpm?: number | null;
  tpm?: number | null;
  routingProfile?: object | null;
  expiresAt?: Date | null;
};

/** The fences of a create or patch body as columns; absent fields stay absent (PATCH leaves them). */
function fenceData(input: Partial<CreateKeyInput>): FenceData {
  const out: FenceData = {};
  if (input.monthly_limit_usd !== undefined)
    out.monthlyLimitMicros =
      input.monthly_limit_usd === null ? null : BigInt(usdToMicros(input.monthly_limit_usd.toFixed(6)));
  if (input.allowed_power_levels !== undefined) out.allowedPowerLevels = input.allowed_power_levels ?? [];
  if (input.allowed_models !== undefined) out.allowedModels = input.allowed_models ?? [];
  if (input.rpm !== undefined) out.rpm = input.rpm;
  if (input.tpm !== undefined) out.tpm = input.tpm;
  if (input.routing_profile !== undefined)
    out.routingProfile =
      input.routing_profile === null
        ? null
        : {
            primary: input.routing_profile.primary,
            fallback: input.routing_profile.fallback ?? null,
            local: input.routing_profile.local ?? null,
          };
  if (input.expires_at !== undefined) {
    const at = input.expires_at === null ? null : new Date(input.expires_at);
    if (at && at.getTime() <= Date.now()) throw badRequest("Expires must be in the future", "expires_at");
    out.expiresAt = at;
  }
  return out;
}

/**
 * A routing profile must name models that exist, that the key's own fences allow, and a local
 * model from a local provider: otherwise the profile would fail every request it shapes.
 */
async function checkProfile(
  db: Db,
  key: Pick<Row, "monthlyLimitMicros" | "allowedPowerLevels" | "allowedModels" | "rpm" | "tpm" | "routingProfile">,
): Promise<void> {
  const fences = parseFences(key);
  const profile = fences?.routingProfile;
  if (!profile) return;
  const ids = [profile.primary, profile.fallback, profile.local].filter((m): m is string => !!m);
  const slugs = [...new Set(ids.map((id) => id.slice(0, id.indexOf("/"))))];
  const models = await db.llmModel.findMany({
    where: { provider: { slug: { in: slugs } } },
    select: { upstreamId: true, powerLevel: true, provider: { select: { slug: true, isLocal: true } } },
  });
  for (const [field, id] of [
    ["primary", profile.primary],
    ["fallback", profile.fallback],
    ["local", profile.local],
  ] as const) {
    if (!id) continue;
    const m = models.find((x) => `${x.provider.slug}/${x.upstreamId}`.toLowerCase() === id.toLowerCase());
    const label = `${field[0]!.toUpperCase()}${field.slice(1)} model`;
    if (!m) throw badRequest(`${label} ${id} is not in the catalog`, `routing_profile.${field}`);
    if (!modelAllowed(fences, id, m.provider.slug, m.powerLevel))
      throw badRequest(
        `${label} ${id} is outside this key's allowed models or power levels`,
        `routing_profile.${field}`,
      );
    if (field === "local" && !m.provider.isLocal)
      throw badRequest(`Local model ${id} is not served by a local provider`, "routing_profile.local");
  }
}

/** The only moment the whole key exists outside the caller's hands: it is returned once, stored hashed. */
export async function createApiKey(db: Db, userId: string, input: CreateKeyInput) {
  const data = fenceData(input);
  await checkProfile(db, {
    monthlyLimitMicros: null,
    allowedPowerLevels: data.allowedPowerLevels ?? [],
    allowedModels: data.allowedModels ?? [],
    rpm: null,
    tpm: null,
    routingProfile: data.routingProfile ?? null,
  });
  const { key, hash, prefix } = generateApiKey();
  const row = await db.apiKey.create({
    data: {
      userId,
      name: input.name,
      keyHash: hash,
      prefix,
      ...data,
      routingProfile: data.routingProfile ?? undefined,
    },
    select,
  });
  return { ...keyView(row), key };
}

export async function listApiKeys(db: Db, userId: string): Promise<ApiKeyView[]> {
  const [rows, spend] = await Promise.all([
    db.apiKey.findMany({ where: { userId }, select, orderBy: { createdAt: "desc" } }),
    usageSpendByKey(db, userId),
  ]);
  return rows.map((r) => keyView(r, spend.get(r.id) ?? 0));
}

/** This month's charges per key of a user, from the usage rows (the user's index on created_at). */
async function usageSpendByKey(db: Db, userId: string, apiKeyId?: string): Promise<Map<string, number>> {
  const rows = await db.usageLog.groupBy({
    by: ["apiKeyId"],
    where: { userId, createdAt: { gte: utcMonthStart() }, apiKeyId: apiKeyId ?? { not: null } },
    _sum: { chargedMicros: true },
  });
  return new Map(rows.map((r) => [r.apiKeyId!, Number(r._sum.chargedMicros ?? 0n)]));
}

/**
 * Changes a key's name and fences. Someone else's key is "not found"; a revoked key cannot be
 * changed (409). Applies in this process at once, elsewhere within the
 * identity cache's TTL (1 s).
 */
export async function updateApiKey(db: Db, userId: string, id: string, input: UpdateKeyInput): Promise<ApiKeyView> {
  const current = await db.apiKey.findFirst({ where: { id, userId }, select });
  if (!current) throw notFound("API key not found");
  if (current.revokedAt) throw conflict("This key is revoked and cannot be changed; create a new one");
  const data = fenceData(input);
  const merged = {
    ...current,
    ...data,
    routingProfile: data.routingProfile === undefined ? current.routingProfile : data.routingProfile,
  };
  await checkProfile(db, merged);
  const { routingProfile, ...rest } = data;
  const patch = {
    ...rest,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(routingProfile !== undefined ? { routingProfile: routingProfile ?? Prisma.DbNull } : {}),
  };
  // A limit set on a key that had none: its counter (kept only under a limit) starts from this month's usage rows.
  const limitNew = current.monthlyLimitMicros === null && data.monthlyLimitMicros != null;
  const row = await db.$transaction(async (tx) => {
    if (limitNew) {
      await tx.apiKey.update({ where: { id }, data: { monthlyLimitMicros: data.monthlyLimitMicros } });
      await recountKeySpend(tx, id);
    }
    return tx.apiKey.update({ where: { id }, data: patch, select });
  });
  invalidateIdentity();
  invalidateMoney();
  return keyView(row, row.monthlyLimitMicros === null ? ((await usageSpendByKey(db, userId, id)).get(id) ?? 0) : 0);
}

/** Revokes (keeps the row for usage history). Someone else's key is "not found", not "forbidden". */
export async function revokeApiKey(db: Db, userId: string, id: string): Promise<void> {
  const { count } = await db.apiKey.updateMany({
    where: { id, userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  invalidateIdentity();
  if (count === 0) {
    const exists = await db.apiKey.findFirst({ where: { id, userId }, select: { id: true } });
    if (!exists) throw notFound("API key not found");
  }
}
