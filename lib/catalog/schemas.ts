/**
 * Admin catalog bodies (providers, models), shared by the API routes and the admin forms. Each
 * field's label is the one its form shows, so a refused value is named the same way in both.
 */
import { z } from "zod";
import { usdToMicros } from "../money/units.ts";
import { powerLevelSchema } from "../router/rules.ts";

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

export const providerBodySchema = z.strictObject({
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .min(1)
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/)
    .meta({ label: "Slug", messages: { invalid_format: "{label} may only have lowercase letters, digits and dashes (at most 40, not starting with a dash)" } }),
  name: z.string().trim().min(1).max(100).meta({ label: "Name" }),
  kind: z.enum(["openai-compatible", "anthropic", "simulated"]).meta({ label: "Kind" }),
  base_url: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .refine((u) => /^(https?|simulated):\/\//.test(u), "{label} must start with http://, https:// or simulated://")
    .meta({ label: "Base URL" }),
  api_key: z.string().trim().min(1).max(4096).meta({ label: "Platform key" }).nullish(),
  enabled: z.boolean().meta({ label: "Enabled" }).default(true),
  priority: z.number().int().min(0).max(1000).meta({ label: "Priority" }).default(50),
  is_local: z.boolean().meta({ label: "Local" }).default(false),
  region: z.string().trim().toLowerCase().min(1).max(40).meta({ label: "Region" }).default("global"),
  compliance: z.array(z.string().trim().min(1).max(60).meta({ label: "Each compliance tag" })).max(20).meta({ label: "Compliance tags" }).default([]),
  requires_key: z.boolean().meta({ label: "Needs an API key" }).optional(),
  first_token_timeout_ms: z.number().int().min(100).max(600_000).meta({ label: "First-token timeout" }).default(15_000),
  /** Seconds between active health checks of the provider's model list; null turns them off. */
  check_interval_s: z.number().int().min(10).max(86_400).meta({ label: "Health check interval (seconds)" }).nullable().optional(),
  simulation: simulationSchema.meta({ label: "Simulation" }).nullish(),
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
  capabilities: z.array(z.string().trim().toLowerCase().min(1).max(40).meta({ label: "Each capability" })).max(40).meta({ label: "Capabilities" }).default([]),
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
