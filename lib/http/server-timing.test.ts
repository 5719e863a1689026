import { describe, expect, it } from "vitest";
import { ServerTiming } from "./server-timing.ts";

describe("ServerTiming", () => {
  it("lists each mark's own duration, in order, then the total, in the header's syntax", async () => {
    const t = new ServerTiming();
    t.mark("auth");
    await new Promise((r) => setTimeout(r, 20));
    t.mark("route");
    const header = t.header();
    expect(header).toMatch(/^auth;dur=\d+\.\d, route;dur=\d+\.\d, total;dur=\d+\.\d$/);
    const [auth, route, total] = [...header.matchAll(/dur=([\d.]+)/g)].map((m) => Number(m[1]));
    expect(route).toBeGreaterThanOrEqual(15);
    expect(total).toBeGreaterThanOrEqual(auth! + route! - 0.2);
  });
});
