/**
 * Admin catalog bodies (providers, models), shared by the API routes and the admin forms. Each
 * field's label is the one its form shows, so a refused value is named the same way in both.
 */
import { z } from "zod";
import { usdToMicros } from "../money/units.ts";
import { powerLevelSchema } from "../router/rules.ts";
import { PROVIDER_KINDS } from "./provider-kinds.ts";

const usdPer1M = (label: string) =>
  z
    .number()
    .nonnegative()
    .max(100_000)
    .meta({ label, unit: "usd", messages: { too_big: "{label} must be at most {limit} per 1M tokens" } })
    .transform((v, ctx) => {
      try {
        return usdToMicros(v);
      } catch {
        ctx.addIssue({ code: "custom", message: `${label} can have at most 6 decimals (a micro-dollar)` });
        return z.NEVER;
      }
    });

export const simulationSchema = z.strictObject({
  first_token_ms: z.number().int().min(0).max(120_000).meta({ label: "First token (ms)" }).optional(),
  tokens_per_second: z.number().min(0).max(100_000).meta({ label: "Tokens per second" }).optional(),
  error_rate: z.number().min(0).max(1).meta({ label: "Error rate" }).optional(),
  error_status: z.number().int().min(400).max(599).meta({ label: "Error status" }).optional(),
  reply: z.string().max(20_000).meta({ label: "Fixed reply" }).optional(),
});

/**
 * Limits of the provider fields that the add and settings forms also put on their inputs (min, max,
 * maxLength, the value a new provider starts with): set once here, for the schema and both forms.
 */
export const PROVIDER_LIMITS = {
  slug: { maxLength: 40 },
  name: { maxLength: 100 },
  base_url: { maxLength: 500 },
  api_key: { maxLength: 4096 },
  region: { maxLength: 40, default: "global" },
  priority: { min: 0, max: 1000, default: 50 },
  first_token_timeout_ms: { min: 100, max: 600_000, default: 15_000 },
} as const;
const L = PROVIDER_LIMITS;

export const providerBodySchema = z.strictObject({
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .min(1)
    .regex(new RegExp(`^[a-z0-9][a-z0-9-]{0,${L.slug.maxLength - 1}}$`))
    .meta({
      label: "Slug",
      messages: {
        invalid_format: `{label} may only have lowercase letters, digits and dashes (at most ${L.slug.maxLength}, not starting with a dash)`,
      },
    }),
  name: z.string().trim().min(1).max(L.name.maxLength).meta({ label: "Name" }),
  kind: z.enum(PROVIDER_KINDS).meta({ label: "Kind" }),
  base_url: z
    .string()
    .trim()
    .min(1)
    .max(L.base_url.maxLength)
    .refine((u) => /^(https?|simulated):\/\//.test(u), "{label} must start with http://, https:// or simulated://")
    .meta({ label: "Base URL" }),
  api_key: z.string().trim().min(1).max(L.api_key.maxLength).meta({ label: "Platform key" }).nullish(),
  enabled: z.boolean().meta({ label: "Enabled" }).default(true),
  priority: z
    .number()
    .int()
    .min(L.priority.min)
    .max(L.priority.max)
    .meta({ label: "Priority" })
    .default(L.priority.default),
  is_local: z.boolean().meta({ label: "Local" }).default(false),
  region: z
    .string()
    .trim()
    .toLowerCase()
    .min(1)
    .max(L.region.maxLength)
    .meta({ label: "Region" })
    .default(L.region.default),
  compliance: z
    .array(z.string().trim().min(1).max(60).meta({ label: "Each compliance tag" }))
    .max(20)
    .meta({ label: "Compliance tags" })
    .default([]),
  requires_key: z.boolean().meta({ label: "Needs an API key" }).optional(),
  first_token_timeout_ms: z
    .number()
    .int()
    .min(L.first_token_timeout_ms.min)
    .max(L.first_token_timeout_ms.max)
    .meta({ label: "First-token timeout" })
    .default(L.first_token_timeout_ms.default),
  /** Seconds between active health checks of the provider's model list; null turns them off. */
  check_interval_s: z
    .number()
    .int()
    .min(10)
    .max(86_400)
    .meta({ label: "Health check interval (seconds)" })
    .nullable()
    .optional(),
  simulation: simulationSchema.meta({ label: "Simulation" }).nullish(),
});

/** PATCH bodies: every field optional and without its default, so an absent field stays as it is. */
function patchOf<S extends z.ZodRawShape>(
  schema: z.ZodObject<S>,
): z.ZodType<Partial<z.output<z.ZodObject<S>>>, Partial<z.input<z.ZodObject<S>>>> {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([k, v]) => [
      k,
      (v instanceof z.ZodDefault ? (v.removeDefault() as z.ZodType) : (v as unknown as z.ZodType)).optional(),
    ]),
  );
  return z.strictObject(shape) as never;
}

export const providerPatchSchema = patchOf(providerBodySchema);

export const modelBodySchema = z.strictObject({
  provider: z.string().trim().min(1).meta({ label: "Provider" }),
  upstream_id: z.string().trim().min(1).max(300).meta({ label: "Upstream id" }),
  name: z.string().trim().min(1).max(200).meta({ label: "Display name" }),
  power_level: powerLevelSchema.meta({ label: "Power level" }),
  input_per_1m: usdPer1M("Input price"),
  output_per_1m: usdPer1M("Output price"),
  // The provider's prompt-cache prices; null: cached tokens are billed at the input price.
  cache_read_per_1m: usdPer1M("Cache read price").nullable().default(null),
  cache_write_per_1m: usdPer1M("Cache write price").nullable().default(null),
  latency_ms: z.number().int().min(0).max(600_000).meta({ label: "Typical first-token latency" }),
  quality: z.number().min(0).max(10).meta({ label: "Quality" }),
  context_tokens: z.number().int().min(1).max(100_000_000).meta({ label: "Context window" }),
  capabilities: z
    .array(z.string().trim().toLowerCase().min(1).max(40).meta({ label: "Each capability" }))
    .max(40)
    .meta({ label: "Capabilities" })
    .default([]),
  enabled: z.boolean().meta({ label: "Enabled" }).default(true),
});

export const modelPatchSchema = patchOf(modelBodySchema);

const P = providerBodySchema.shape;

/**
 * The provider settings form's PATCH body: the same fields, but all of them present, as the form
 * always sends them (a blank number there means a missing value, not "leave it as it is").
 */
export const providerSettingsSchema = z.strictObject({
  name: P.name,
  base_url: P.base_url,
  priority: P.priority.removeDefault(),
  first_token_timeout_ms: P.first_token_timeout_ms.removeDefault(),
  check_interval_s: P.check_interval_s,
  region: P.region.removeDefault(),
  compliance: P.compliance.removeDefault(),
  is_local: P.is_local.removeDefault(),
  requires_key: P.requires_key,
});

/** The bodies as a client sends them (before defaults and transforms): what the admin forms and their queries type. */
export type ProviderBodyInput = z.input<typeof providerBodySchema>;
export type ProviderPatchInput = z.input<typeof providerPatchSchema>;
export type SimulationInput = z.input<typeof simulationSchema>;
export type ModelBodyInput = z.input<typeof modelBodySchema>;
export type ModelPatchInput = z.input<typeof modelPatchSchema>;
