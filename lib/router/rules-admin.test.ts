import { describe, expect, it, vi } from "vitest";
import type { Db } from "../db/client.ts";
import { ApiError } from "../http/errors.ts";
import { createRule, deleteRule, updateRule } from "./rules-admin.ts";
import { routingRuleBodySchema } from "./rules.ts";

const at = new Date("2030-01-01T00:00:00Z");
const row = (over: Record<string, unknown> = {}) => ({
  id: "r1",
  name: "n",
  description: "",
  priority: 100,
  active: true,
  conditions: {},
  actions: { pin_model: "p/m" },
  createdAt: at,
  updatedAt: at,
  ...over,
});

/** A routingRule table of at most one row, enough to see when the catalog cache is dropped. */
function fakeDb(exists: boolean) {
  const routingRule = {
    create: vi.fn(async ({ data }: { data: Record<string, unknown> }) => row(data)),
    findUnique: vi.fn(async () => (exists ? { id: "r1" } : null)),
    update: vi.fn(async ({ data }: { data: Record<string, unknown> }) => row(data)),
    deleteMany: vi.fn(async () => ({ count: exists ? 1 : 0 })),
  };
  return { db: { routingRule } as unknown as Db, routingRule };
}

describe("routing-rule writes drop the cached catalog", () => {
  it("after a create, an update and a delete, and answer with the rule's view", async () => {
    const { db } = fakeDb(true);
    const catalog = { invalidate: vi.fn() };
    const created = await createRule(
      db,
      routingRuleBodySchema.parse({ name: "n", actions: { pin_model: "p/m" } }),
      catalog,
    );
    expect(created).toMatchObject({ id: "r1", name: "n", actions: { pin_model: "p/m" }, created_at: at.toISOString() });
    expect(catalog.invalidate).toHaveBeenCalledTimes(1);
    expect(await updateRule(db, "r1", { active: false }, catalog)).toMatchObject({ active: false });
    await deleteRule(db, "r1", catalog);
    expect(catalog.invalidate).toHaveBeenCalledTimes(3);
  });

  it("not when the rule is not there (404, nothing written)", async () => {
    const { db, routingRule } = fakeDb(false);
    const catalog = { invalidate: vi.fn() };
    await expect(updateRule(db, "gone", { active: false }, catalog)).rejects.toMatchObject({ status: 404 });
    await expect(deleteRule(db, "gone", catalog)).rejects.toBeInstanceOf(ApiError);
    expect(routingRule.update).not.toHaveBeenCalled();
    expect(catalog.invalidate).not.toHaveBeenCalled();
  });
});
