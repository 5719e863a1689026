import { describe, expect, it } from "vitest";
import { canEnter } from "./roles";

describe("role table", () => {
  it("keeps users out of admin and finance", () => {
    expect(canEnter("USER", "user")).toBe(true);
    expect(canEnter("USER", "admin")).toBe(false);
    expect(canEnter("USER", "finance")).toBe(false);
  });
  it("lets finance read finance but not administer", () => {
    expect(canEnter("FINANCE", "finance")).toBe(true);
    expect(canEnter("FINANCE", "admin")).toBe(false);
  });
  it("lets admins everywhere", () => {
    expect(["user", "admin", "finance"].every((a) => canEnter("ADMIN", a as "user"))).toBe(true);
  });
});
