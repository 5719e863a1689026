import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { sessionUserId } from "./session-cookie";

const secret = "test-secret-that-is-long-enough-123456";

describe("sessionUserId", () => {
  it("reads the user from a valid next-auth cookie, plain or __Secure-", async () => {
    const token = await encode({ token: { sub: "user-1" }, secret });
    expect(await sessionUserId(`a=b; next-auth.session-token=${token}`, secret)).toBe("user-1");
    expect(await sessionUserId(`__Secure-next-auth.session-token=${token}`, secret)).toBe("user-1");
  });

  it("reassembles chunked cookies", async () => {
    const token = await encode({ token: { sub: "user-2" }, secret });
    const half = Math.floor(token.length / 2);
    expect(await sessionUserId(`next-auth.session-token.0=${token.slice(0, half)}; next-auth.session-token.1=${token.slice(half)}`, secret)).toBe("user-2");
  });

  it("ignores cookies made with another secret, tampered, or absent", async () => {
    const token = await encode({ token: { sub: "user-1" }, secret: "another-secret-another-secret-1234" });
    expect(await sessionUserId(`next-auth.session-token=${token}`, secret)).toBeNull();
    expect(await sessionUserId(`next-auth.session-token=${token.slice(0, -3)}abc`, secret)).toBeNull();
    expect(await sessionUserId(null, secret)).toBeNull();
  });
});
