// The app's enum lists are plain `as const` arrays (the browser bundles them; Prisma's client must
// not be), and this is where they are held to the database's enums in prisma/schema.prisma.
import { describe, expect, it } from "vitest";
import { PowerLevel, ProviderKind, Role } from "../generated/prisma/enums.ts";
import { KIND_FROM_DB, KIND_TO_DB, PROVIDER_KINDS } from "../catalog/provider-kinds.ts";
import { POWER_LEVELS, ROLES } from "../router/types.ts";

describe("enum lists match Prisma's enums", () => {
  it("power levels, in the schema's order (ECO < BALANCED < PRECISION ranks them)", () => {
    expect(POWER_LEVELS).toEqual(Object.values(PowerLevel));
  });

  it("roles", () => {
    expect(ROLES).toEqual(Object.values(Role));
  });

  it("provider kinds: every API spelling maps to a stored kind and back", () => {
    expect(PROVIDER_KINDS.map((k) => KIND_TO_DB[k])).toEqual(Object.values(ProviderKind));
    expect(Object.keys(KIND_FROM_DB).sort()).toEqual(Object.values(ProviderKind).sort());
    for (const k of PROVIDER_KINDS) expect(KIND_FROM_DB[KIND_TO_DB[k]]).toBe(k);
  });
});
