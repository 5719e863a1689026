import { describe, expect, it } from "vitest";
import { describeFilters, filtersFromParams, requestsHref } from "./admin-requests-url.ts";

describe("request log URL", () => {
  it("keeps the filters and the open request, and reads back what it wrote", () => {
    const filters = { status: "error", user: "a@b.test", from: "2025-03-01" };
    const href = requestsHref(filters, "req-1");
    expect(href).toBe("/admin/requests?user=a%40b.test&status=error&from=2025-03-01&request=req-1");
    expect(filtersFromParams(new URL(href, "http://x").searchParams)).toEqual(filters);
    expect(requestsHref({})).toBe("/admin/requests");
    expect(filtersFromParams(new URLSearchParams("user=%20&status=&x=1"))).toEqual({});
  });

  it("says which filters matched nothing", () => {
    expect(describeFilters({})).toBe("");
    expect(describeFilters({ status: "error" })).toBe("status error");
    expect(describeFilters({ user: "a@b.test", status: "error", from: "2025-03-01" })).toBe(
      "user a@b.test, status error and from 2025-03-01",
    );
  });
});
