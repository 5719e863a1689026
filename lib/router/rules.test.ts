import { describe, expect, it } from "vitest";
import type { RuleContext } from "./rules.ts";
import { applyRules, routingRuleBodySchema, routingRulePatchSchema, routingRuleSchema, ruleMatches } from "./rules.ts";
import { rule } from "./test-fixtures.ts";

const ctx: RuleContext = {
  taskType: "code",
  powerLevel: "BALANCED",
  privacyRequired: false,
  promptTokens: 5_000,
  role: "USER",
  apiKeyId: "key-1",
};

describe("routingRuleBodySchema (admin POST body)", () => {
  it("accepts a rule, fills defaults and turns single values into lists", () => {
    const parsed = routingRuleBodySchema.parse({
      name: "code to anthropic",
      conditions: { task_type: "code", power_level: ["balanced", "PRECISION"], prompt_tokens: { gt: 1000 } },
      actions: { prefer_providers: "anthropic", force_power_level: "precision" },
    });
    expect(parsed).toEqual({
      name: "code to anthropic",
      description: "",
      priority: 100,
      active: true,
      conditions: { task_type: ["code"], power_level: ["BALANCED", "PRECISION"], prompt_tokens: { gt: 1000 } },
      actions: { prefer_providers: ["anthropic"], force_power_level: "PRECISION" },
    });
  });

  it("treats missing conditions as always matching", () => {
    const parsed = routingRuleBodySchema.parse({ name: "all", actions: { exclude_providers: ["groq"] } });
    expect(parsed.conditions).toEqual({});
    expect(ruleMatches(parsed.conditions, ctx)).toBe(true);
  });

  it("rejects rules without actions, unknown fields, bad enums and code strings", () => {
    const bad = [
      { name: "x", actions: {} },
      { name: "x", conditions: { task_type: "poetry" }, actions: { pin_model: "a/b" } },
      { name: "x", conditions: { when: "task.type == 'code'" }, actions: { pin_model: "a/b" } },
      { name: "x", conditions: {}, actions: { run: "eval('1')" } },
      { name: "x", conditions: { prompt_tokens: {} }, actions: { pin_model: "a/b" } },
      { name: "x", conditions: { prompt_tokens: { gt: 100, lt: 50 } }, actions: { pin_model: "a/b" } },
      { name: "x", conditions: { power_level: "ULTRA" }, actions: { pin_model: "a/b" } },
      { name: "", actions: { pin_model: "a/b" } },
      { name: "x", priority: 1.5, actions: { pin_model: "a/b" } },
    ];
    for (const body of bad) expect(routingRuleBodySchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
  });
});

describe("routingRulePatchSchema (admin PATCH body)", () => {
  it("takes any subset of fields without filling defaults", () => {
    expect(routingRulePatchSchema.parse({ active: false })).toEqual({ active: false });
    expect(routingRulePatchSchema.parse({ conditions: { role: "admin" } })).toEqual({
      conditions: { role: ["ADMIN"] },
    });
  });

  it("rejects empty, unknown or invalid changes", () => {
    expect(routingRulePatchSchema.safeParse({}).success).toBe(false);
    expect(routingRulePatchSchema.safeParse({ enabled: true }).success).toBe(false);
    expect(routingRulePatchSchema.safeParse({ actions: {} }).success).toBe(false);
  });
});

describe("routingRuleSchema (stored rows)", () => {
  it("reads a database row, ignoring extra columns", () => {
    const row = {
      id: "r1",
      name: "n",
      description: "",
      priority: 5,
      active: true,
      conditions: {},
      actions: { exclude_providers: ["groq"] },
      createdAt: new Date(),
    };
    expect(routingRuleSchema.parse(row)).toEqual({
      id: "r1",
      name: "n",
      priority: 5,
      active: true,
      conditions: {},
      actions: { exclude_providers: ["groq"] },
    });
  });
});

describe("ruleMatches", () => {
  it("tests each condition on its own", () => {
    const m = (conditions: unknown) => ruleMatches(rule("r", 1, conditions, { pin_model: "a/b" }).conditions, ctx);
    expect(m({ task_type: "code" })).toBe(true);
    expect(m({ task_type: ["chat", "rag"] })).toBe(false);
    expect(m({ power_level: "balanced" })).toBe(true);
    expect(m({ power_level: "ECO" })).toBe(false);
    expect(m({ privacy_required: false })).toBe(true);
    expect(m({ privacy_required: true })).toBe(false);
    expect(m({ prompt_tokens: { gt: 4_999 } })).toBe(true);
    expect(m({ prompt_tokens: { gt: 5_000 } })).toBe(false);
    expect(m({ prompt_tokens: { lt: 5_001 } })).toBe(true);
    expect(m({ prompt_tokens: { lt: 5_000 } })).toBe(false);
    expect(m({ role: ["ADMIN", "user"] })).toBe(true);
    expect(m({ role: "FINANCE" })).toBe(false);
    expect(m({ api_key_id: ["key-1", "key-2"] })).toBe(true);
    expect(m({ api_key_id: "key-9" })).toBe(false);
  });

  it("ANDs conditions", () => {
    const r = rule("r", 1, { task_type: "code", role: "ADMIN" }, { pin_model: "a/b" });
    expect(ruleMatches(r.conditions, ctx)).toBe(false);
    expect(ruleMatches(r.conditions, { ...ctx, role: "ADMIN" })).toBe(true);
  });

  it("never matches an api_key_id condition for a session caller", () => {
    const r = rule("r", 1, { api_key_id: "key-1" }, { pin_model: "a/b" });
    expect(ruleMatches(r.conditions, { ...ctx, apiKeyId: null })).toBe(false);
  });
});

describe("applyRules", () => {
  it("applies active rules in ascending priority; the first pin and force win, lists accumulate", () => {
    const rules = [
      rule("late", 50, {}, { pin_model: "openai/gpt-4o", force_power_level: "ECO", exclude_providers: "groq" }),
      rule("early", 10, {}, { pin_model: "anthropic/claude-3-5-haiku-latest", prefer_providers: ["anthropic"] }),
      rule("off", 1, {}, { force_power_level: "PRECISION" }, false),
      rule("nomatch", 5, { role: "ADMIN" }, { exclude_providers: "openai" }),
    ];
    const e = applyRules(rules, ctx);
    expect(e.appliedRuleIds).toEqual(["early", "late"]);
    expect(e.pinModel).toEqual({ id: "early", name: "early", model: "anthropic/claude-3-5-haiku-latest" });
    expect(e.forcePowerLevel).toEqual({ id: "late", name: "late", level: "ECO" });
    expect([...e.excludeProviders.keys()]).toEqual(["groq"]);
    expect([...e.preferProviders.keys()]).toEqual(["anthropic"]);
  });

  it("orders equal priorities by id, whatever the input order", () => {
    const a = rule("a", 1, {}, { force_power_level: "ECO" });
    const b = rule("b", 1, {}, { force_power_level: "PRECISION" });
    expect(applyRules([b, a], ctx).forcePowerLevel?.id).toBe("a");
    expect(applyRules([a, b], ctx).forcePowerLevel?.id).toBe("a");
  });
});
