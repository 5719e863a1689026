import { describe, expect, it } from "vitest";
import { clientIp } from "./login-throttle";

describe("clientIp", () => {
  it("takes the entry appended by the nearest proxy, not the client-supplied ones", () => {
    expect(clientIp("6.6.6.6, 10.0.0.7")).toBe("10.0.0.7");
    expect(clientIp("10.0.0.7")).toBe("10.0.0.7");
  });
  it("falls back when there is no header", () => {
    expect(clientIp(null)).toBe("unknown");
    expect(clientIp(" , ")).toBe("unknown");
  });
});
