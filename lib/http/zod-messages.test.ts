import { z } from "zod";
import { describe, expect, it } from "vitest";
import { describeZodError, formatDollars, labelOf, validateFields } from "./zod-messages";
import { modelBodySchema, providerBodySchema } from "../catalog/schemas";
import { adminGrantSchema } from "../ledger/schemas";
import { routingRuleBodySchema } from "../router/rules";
import { checkoutSchema } from "../stripe/schemas";
import { changePasswordSchema, credentialsSchema, settingsPatchSchema } from "../users/schemas";
import { addByokSchema } from "../byok/schemas";

/** What the API answers for `value`: every problem as [param, sentence]. */
function sentences(schema: z.ZodType, value: unknown): [string | null, string][] {
  const parsed = schema.safeParse(value);
  if (parsed.success) return [];
  return describeZodError(parsed.error, schema).map((e) => [e.param, e.message]);
}

const model = {
  provider: "alpha",
  upstream_id: "m",
  name: "M",
  power_level: "ECO",
  input_per_1m: 1,
  output_per_1m: 2,
  latency_ms: 100,
  quality: 5,
  context_tokens: 1000,
};

describe("validation problems as sentences", () => {
  it("names the field by its label and gives the allowed range (too_small, too_big)", () => {
    expect(sentences(modelBodySchema, { ...model, input_per_1m: -1, quality: 11, context_tokens: 0 })).toEqual([
      ["input_per_1m", "Input price must be 0 or more"],
      ["quality", "Quality must be at most 10"],
      ["context_tokens", "Context window must be 1 or more"],
    ]);
    expect(
      sentences(providerBodySchema, {
        slug: "a",
        name: "x".repeat(101),
        kind: "simulated",
        base_url: "simulated://a",
        priority: 1001,
      }),
    ).toEqual([
      ["name", "Name must be at most 100 characters"],
      ["priority", "Priority must be at most 1,000"],
    ]);
    expect(sentences(z.object({ n: z.number().positive().meta({ label: "Tokens" }) }), { n: 0 })).toEqual([
      ["n", "Tokens must be more than 0"],
    ]);
  });

  it("writes money limits as dollars", () => {
    expect(sentences(adminGrantSchema, { amount_usd: 1_000_001, reason: "because" })).toEqual([
      ["amount_usd", "At most $1,000,000 per grant"],
    ]);
    expect(sentences(adminGrantSchema, { amount_usd: -1_000_001, reason: "because" })).toEqual([
      ["amount_usd", "At most $1,000,000 per correction"],
    ]);
    expect(sentences(modelBodySchema, { ...model, output_per_1m: 100_001 })).toEqual([
      ["output_per_1m", "Output price must be at most $100,000 per 1M tokens"],
    ]);
    expect(sentences(checkoutSchema, { amount_usd: 4.99 })).toEqual([["amount_usd", "Amount must be $5 or more"]]);
    expect(sentences(checkoutSchema, { amount_usd: 12.345 })).toEqual([
      ["amount_usd", "Amount must be in whole cents"],
    ]);
    expect([
      formatDollars(1_000_000),
      formatDollars(5),
      formatDollars(0.5),
      formatDollars(0.000001),
      formatDollars(-2.25),
    ]).toEqual(["$1,000,000", "$5", "$0.50", "$0.000001", "-$2.25"]);
  });

  it("says a missing or empty field is required, once", () => {
    expect(sentences(modelBodySchema, { ...model, name: "  ", input_per_1m: undefined })).toEqual([
      ["name", "Display name is required"],
      ["input_per_1m", "Input price is required"],
    ]);
    // An empty slug also fails its pattern; only "required" is worth saying.
    expect(
      sentences(providerBodySchema, { slug: "", name: "x", kind: "simulated", base_url: "simulated://a" }),
    ).toEqual([["slug", "Slug is required"]]);
  });

  it("names the expected type (invalid_type)", () => {
    expect(
      sentences(modelBodySchema, { ...model, latency_ms: 1.5, quality: "high", context_tokens: Number.NaN }),
    ).toEqual([
      ["latency_ms", "Typical first-token latency must be a whole number"],
      ["quality", "Quality must be a number"],
      ["context_tokens", "Context window must be a number"],
    ]);
    expect(sentences(providerBodySchema, null)).toEqual([[null, "The request body must be a JSON object"]]);
  });

  it("explains formats (invalid_format: email, url, datetime, pattern)", () => {
    expect(sentences(credentialsSchema, { email: "not-an-email", password: "long enough" })).toEqual([
      ["email", "Email must be a valid email address"],
    ]);
    expect(
      sentences(z.object({ site: z.url().meta({ label: "Website" }), at: z.iso.datetime().meta({ label: "Start" }) }), {
        site: "nope",
        at: "soon",
      }),
    ).toEqual([
      ["site", "Website must be a valid URL"],
      ["at", "Start must be a date and time such as 2030-01-31T12:00:00Z"],
    ]);
    expect(
      sentences(providerBodySchema, { slug: "-Bad slug", name: "x", kind: "simulated", base_url: "simulated://a" }),
    ).toEqual([
      ["slug", "Slug may only have lowercase letters, digits and dashes (at most 40, not starting with a dash)"],
    ]);
  });

  it("lists the allowed options (invalid_value), also inside lists", () => {
    expect(sentences(modelBodySchema, { ...model, power_level: "TURBO" })).toEqual([
      ["power_level", "Power level must be one of ECO, BALANCED or PRECISION"],
    ]);
    expect(
      sentences(routingRuleBodySchema, {
        name: "r",
        conditions: { task_type: ["chat", "poetry"] },
        actions: { force_power_level: "ECO" },
      }),
    ).toEqual([
      ["conditions.task_type.1", "Task type must be one of chat, code, rag, creative, reasoning or analysis"],
    ]);
  });

  it("names unknown fields (unrecognized_keys), each as its own param", () => {
    expect(sentences(modelBodySchema, { ...model, colour: "red", size: 1 })).toEqual([
      ["colour", 'Unknown field "colour"'],
      ["size", 'Unknown field "size"'],
    ]);
  });

  it("keeps the schema's own sentences for custom checks and per-code overrides", () => {
    expect(sentences(adminGrantSchema, { amount_usd: 0, reason: "because" })).toEqual([
      ["amount_usd", "Amount must not be zero: give a positive amount to grant or a negative one to correct"],
    ]);
    expect(sentences(addByokSchema, { provider: "openai", api_key: "sk-1" })).toEqual([
      ["api_key", "API key looks too short: keys have at least 8 characters"],
    ]);
    expect(sentences(settingsPatchSchema, { routing_weights: { cost: 0, latency: 0, quality: 0 } })).toEqual([
      ["routing_weights", "At least one routing weight must be above 0"],
    ]);
  });

  it("reports every problem, not only the first", () => {
    expect(sentences(changePasswordSchema, { current_password: "", new_password: "short" })).toEqual([
      ["current_password", "Current password is required"],
      ["new_password", "New password must be at least 8 characters"],
    ]);
  });

  it("falls back to the field's path when a schema gives no label", () => {
    expect(sentences(z.object({ max_tokens: z.number().int().positive() }), { max_tokens: 0 })).toEqual([
      ["max_tokens", "max_tokens must be more than 0"],
    ]);
  });

  it("gives the browser the same sentences as the API, and the labels the forms show", () => {
    const body = { ...model, name: "", input_per_1m: -1 };
    const client = validateFields(modelBodySchema, body);
    expect(client.ok).toBe(false);
    expect(client.ok ? [] : client.errors.map((e) => [e.param, e.message])).toEqual(sentences(modelBodySchema, body));
    expect(labelOf(providerBodySchema, "simulation.error_rate")).toBe("Error rate");
  });

  it("accepts a $0 monthly budget (it means no paid requests) and refuses a negative one", () => {
    expect(sentences(settingsPatchSchema, { monthly_budget_usd: 0 })).toEqual([]);
    expect(sentences(settingsPatchSchema, { monthly_budget_usd: -5 })).toEqual([
      ["monthly_budget_usd", "Monthly budget must be 0 or more"],
    ]);
  });
});

describe("custom messages written as fragments", () => {
  it("are completed with the field's label, or made a sentence about the whole body", () => {
    const schema = z
      .object({
        cursor: z
          .string()
          .refine((v) => /^\d+$/.test(v), "is not a cursor")
          .optional(),
      })
      .refine((b) => b.cursor !== undefined, "give a cursor");
    expect(sentences(schema, { cursor: "x" })).toEqual([["cursor", "cursor is not a cursor"]]);
    expect(sentences(schema, {})).toEqual([[null, "Give a cursor"]]);
  });
});
