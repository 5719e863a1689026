import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { readSessionToken, renewedSessionCookie } from "./session-cookie";

const sessionUserId = async (cookieHeader: string | null, secret: string) =>
  (await readSessionToken(cookieHeader, secret))?.userId ?? null;

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
    expect(
      await sessionUserId(
        `next-auth.session-token.0=${token.slice(0, half)}; next-auth.session-token.1=${token.slice(half)}`,
        secret,
      ),
    ).toBe("user-2");
  });

  it("ignores cookies made with another secret, tampered, or absent", async () => {
    const token = await encode({ token: { sub: "user-1" }, secret: "another-secret-another-secret-1234" });
    expect(await sessionUserId(`next-auth.session-token=${token}`, secret)).toBeNull();
    expect(await sessionUserId(`next-auth.session-token=${token.slice(0, -3)}abc`, secret)).toBeNull();
    expect(await sessionUserId(null, secret)).toBeNull();
  });
});

describe("renewedSessionCookie", () => {
  it("reissues the presented session at a new version, under the same cookie name and flags", async () => {
    const token = await encode({ token: { sub: "user-3", email: "u@example.com", sv: 4 }, secret });
    expect(await readSessionToken(`next-auth.session-token=${token}`, secret)).toMatchObject({
      userId: "user-3",
      sessionVersion: 4,
    });

    const renewed = (await renewedSessionCookie(`__Secure-next-auth.session-token=${token}`, secret, 5))!;
    expect(renewed).toMatch(
      /^__Secure-next-auth\.session-token=[^;]+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax; Secure$/,
    );
    const value = renewed.split(";")[0]!.split("=").slice(1).join("=");
    expect(await readSessionToken(`__Secure-next-auth.session-token=${value}`, secret)).toMatchObject({
      userId: "user-3",
      sessionVersion: 5,
      payload: { email: "u@example.com" },
    });

    const plain = (await renewedSessionCookie(`next-auth.session-token=${token}`, secret, 5))!;
    expect(plain).toMatch(/^next-auth\.session-token=/);
    expect(plain).not.toContain("Secure");
  });

  it("reissues nothing without a valid session, and counts a token from before versions as version 0", async () => {
    expect(await renewedSessionCookie(null, secret, 1)).toBeNull();
    expect(await renewedSessionCookie("next-auth.session-token=garbage", secret, 1)).toBeNull();
    const old = await encode({ token: { sub: "user-4" }, secret });
    expect(await readSessionToken(`next-auth.session-token=${old}`, secret)).toMatchObject({ sessionVersion: 0 });
  });

  it("is not thrown off by a malformed escape in some other cookie", async () => {
    const token = await encode({ token: { sub: "user-5" }, secret });
    expect(await sessionUserId(`other=%E0%A4%A; next-auth.session-token=${token}`, secret)).toBe("user-5");
  });
});
