import { getServerSession } from "next-auth";
import { encode } from "next-auth/jwt";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./errors";
import { appOrigin, canonicalForwardedHeaders, publicOrigin } from "./origin";

const h = (init: Record<string, string>) => new Headers(init);
const env = (vars: Record<string, string> = {}) => vars as NodeJS.ProcessEnv;
const FORGED = { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" };

describe("appOrigin", () => {
  it("is the request's Host over plain HTTP, whatever X-Forwarded-* a client sends", () => {
    expect(appOrigin(h({ host: "localhost:3000" }), "fallback:1", env())).toBe("http://localhost:3000");
    expect(appOrigin(h({ host: "gw.internal:3000", ...FORGED }), "fallback:1", env())).toBe("http://gw.internal:3000");
    expect(appOrigin(h({}), "localhost:3300", env())).toBe("http://localhost:3300");
  });

  it("is NEXTAUTH_URL's origin when that is set, whatever the headers say", () => {
    const pinned = env({ NEXTAUTH_URL: "https://gw.example.com/some/path" });
    expect(appOrigin(h({ host: "localhost:3000", ...FORGED }), "x:1", pinned)).toBe("https://gw.example.com");
  });

  it("behind a configured trusted proxy, takes host and scheme from what that proxy (the last hop) wrote", () => {
    const trusted = env({ SWITCHYARD_TRUSTED_PROXIES: "10.0.0.0/8" });
    expect(
      appOrigin(
        h({
          host: "app:3000",
          "x-forwarded-host": "gw.example.com",
          "x-forwarded-proto": "https",
          "x-forwarded-for": "203.0.113.9, 10.0.0.5",
        }),
        "x:1",
        trusted,
      ),
    ).toBe("https://gw.example.com");
    // A proxy that appends keeps the client's forgery first.
    expect(
      appOrigin(
        h({
          host: "app:3000",
          "x-forwarded-host": "evil.example, gw.example.com",
          "x-forwarded-proto": "http, https",
          "x-forwarded-for": "203.0.113.9, 10.0.0.5",
        }),
        "x:1",
        trusted,
      ),
    ).toBe("https://gw.example.com");
    // A client reaching the app directly (the peer the launcher recorded is not a listed proxy) cannot pick the origin.
    expect(
      appOrigin(h({ host: "app:3000", ...FORGED, "x-forwarded-for": "10.0.0.5, 198.51.100.7" }), "x:1", trusted),
    ).toBe("http://app:3000");
    expect(appOrigin(h({ host: "app:3000", ...FORGED }), "x:1", trusted)).toBe("http://app:3000");
    // Without forwarded headers it is the Host, as without a proxy.
    expect(appOrigin(h({ host: "app:3000" }), "x:1", trusted)).toBe("http://app:3000");
  });

  it("refuses a Host or forwarded scheme that cannot be an origin (400), rather than build URLs from it", () => {
    for (const host of ["evil.example/path", "user@evil.example", "a b", ""]) {
      expect(() => appOrigin(h({ host }), "x:1", env()), host).toThrow(ApiError);
    }
    expect(() =>
      appOrigin(
        h({ host: "app", "x-forwarded-proto": "javascript", "x-forwarded-for": "10.0.0.1" }),
        "x:1",
        env({ SWITCHYARD_TRUSTED_PROXIES: "10.0.0.1" }),
      ),
    ).toThrow(/X-Forwarded-Proto/);
    expect(appOrigin(h({ host: "[::1]:3000" }), "x:1", env())).toBe("http://[::1]:3000");
    expect(appOrigin(h({ host: "my_app:3000" }), "x:1", env())).toBe("http://my_app:3000");
  });
});

describe("publicOrigin (Stripe's return URLs)", () => {
  beforeEach(() => {
    vi.stubEnv("NEXTAUTH_URL", "");
    vi.stubEnv("SWITCHYARD_TRUSTED_PROXIES", "");
  });
  afterEach(() => vi.unstubAllEnvs());

  it("does not send a paying user to a host named in a forged X-Forwarded-Host", () => {
    const req = new Request("http://localhost:3000/api/credits/checkout", {
      method: "POST",
      headers: { host: "switchyard.lan:3000", ...FORGED },
    });
    expect(publicOrigin(req)).toBe("http://switchyard.lan:3000");
  });
});

describe("canonicalForwardedHeaders (what proxy.ts hands next-auth)", () => {
  it("leaves requests without forwarded headers, or with the right ones, alone", () => {
    expect(canonicalForwardedHeaders(h({ host: "localhost:3000" }), "x:1", env())).toBeNull();
    expect(
      canonicalForwardedHeaders(
        h({ host: "localhost:3000", "x-forwarded-host": "localhost:3000", "x-forwarded-proto": "http" }),
        "x:1",
        env(),
      ),
    ).toBeNull();
    const trusted = env({ SWITCHYARD_TRUSTED_PROXIES: "10.0.0.0/8" });
    expect(
      canonicalForwardedHeaders(
        h({
          host: "app:3000",
          "x-forwarded-host": "gw.example.com",
          "x-forwarded-proto": "https",
          "x-forwarded-for": "203.0.113.9, 10.0.0.5",
        }),
        "x:1",
        trusted,
      ),
    ).toBeNull();
  });

  it("rewrites forged or appended values to the trusted origin and keeps every other header", () => {
    const out = canonicalForwardedHeaders(h({ host: "localhost:3000", cookie: "a=b", ...FORGED }), "x:1", env())!;
    expect(Object.fromEntries(out)).toEqual({
      host: "localhost:3000",
      cookie: "a=b",
      "x-forwarded-host": "localhost:3000",
      "x-forwarded-proto": "http",
    });
    const trusted = env({ SWITCHYARD_TRUSTED_PROXIES: "10.0.0.0/8" });
    const appended = canonicalForwardedHeaders(
      h({
        host: "app:3000",
        "x-forwarded-host": "evil.example, gw.example.com",
        "x-forwarded-proto": "https",
        "x-forwarded-for": "203.0.113.9, 10.0.0.5",
      }),
      "x:1",
      trusted,
    )!;
    expect([appended.get("x-forwarded-host"), appended.get("x-forwarded-proto")]).toEqual(["gw.example.com", "https"]);
  });

  it("drops them when the Host itself is unusable, so Next.js fills them in from the connection", () => {
    const out = canonicalForwardedHeaders(h({ host: "bad host", ...FORGED }), "x:1", env())!;
    expect(out.has("x-forwarded-host") || out.has("x-forwarded-proto")).toBe(false);
  });
});

// next-auth decides the cookies' names and `Secure` flag, and its callback URL, from the origin
// it detects in the request headers. These run next-auth's own code on the headers proxy.ts
// hands it, with the environment `npm start` gives it (AUTH_TRUST_HOST when NEXTAUTH_URL is unset).
describe("next-auth's session cookies, given the headers proxy.ts passes on", () => {
  const SECRET = "unit-test-secret-0123456789abcdef";

  beforeEach(() => {
    vi.stubEnv("NEXTAUTH_URL", "");
    vi.stubEnv("AUTH_TRUST_HOST", "true");
    vi.stubEnv("SWITCHYARD_TRUSTED_PROXIES", "");
    vi.spyOn(console, "warn").mockImplementation(() => {});
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  /** Reads a session the way a page does, and returns the cookies next-auth sets in reply. */
  async function sessionCookies(headers: Record<string, string>): Promise<{ signedIn: boolean; setCookies: string[] }> {
    const incoming = h(headers);
    const seen = canonicalForwardedHeaders(incoming, "localhost:3000") ?? incoming;
    // What Next.js fills in when absent: the Host, and the scheme of its plain-HTTP socket.
    if (!seen.has("x-forwarded-host")) seen.set("x-forwarded-host", seen.get("host")!);
    if (!seen.has("x-forwarded-proto")) seen.set("x-forwarded-proto", "http");
    const token = await encode({ token: { sub: "user-1", email: "u@example.com" }, secret: SECRET });
    let setCookies: string[] = [];
    const res = {
      getHeader: () => setCookies,
      setHeader: (_name: string, value: string[]) => void (setCookies = value),
    };
    const req = {
      headers: Object.fromEntries(seen),
      cookies: { "next-auth.session-token": token, "__Secure-next-auth.session-token": token },
    };
    const session = await getServerSession(req as never, res as never, {
      secret: SECRET,
      session: { strategy: "jwt" },
      providers: [],
    });
    return { signedIn: session !== null, setCookies };
  }
  const named = (cookies: string[], name: string) => cookies.find((c) => c.startsWith(`${name}=`));

  it("served directly over HTTP: plain cookies, and a forged X-Forwarded-Proto/Host changes neither that nor the callback URL", async () => {
    for (const headers of [{ host: "localhost:3000" }, { host: "localhost:3000", ...FORGED }]) {
      const { signedIn, setCookies } = await sessionCookies(headers);
      expect(signedIn).toBe(true);
      expect(named(setCookies, "next-auth.session-token")).toBeDefined();
      expect(
        setCookies.some((c) => /;\s*Secure/i.test(c) || c.startsWith("__Secure-") || c.startsWith("__Host-")),
      ).toBe(false);
      expect(decodeURIComponent(named(setCookies, "next-auth.callback-url")!)).toMatch(
        /^next-auth\.callback-url=http:\/\/localhost:3000;/,
      );
      expect(setCookies.join("\n")).not.toContain("evil.example");
    }
  });

  it("behind a trusted TLS proxy: `Secure` __Secure- cookies and an https callback URL on the proxy's host", async () => {
    vi.stubEnv("SWITCHYARD_TRUSTED_PROXIES", "10.0.0.0/8");
    const { signedIn, setCookies } = await sessionCookies({
      host: "app:3000",
      "x-forwarded-host": "evil.example, gw.example.com",
      "x-forwarded-proto": "https",
      "x-forwarded-for": "203.0.113.9, 10.0.0.5",
    });
    expect(signedIn).toBe(true);
    expect(named(setCookies, "__Secure-next-auth.session-token")).toMatch(/;\s*Secure/i);
    expect(named(setCookies, "next-auth.session-token")).toBeUndefined();
    expect(decodeURIComponent(named(setCookies, "__Secure-next-auth.callback-url")!)).toMatch(
      /=https:\/\/gw\.example\.com;/,
    );
    expect(setCookies.join("\n")).not.toContain("evil.example");
  });

  it("with an https NEXTAUTH_URL: `Secure` cookies whatever the request says", async () => {
    vi.stubEnv("NEXTAUTH_URL", "https://gw.example.com");
    const { setCookies } = await sessionCookies({ host: "localhost:3000", "x-forwarded-proto": "http" });
    expect(named(setCookies, "__Secure-next-auth.session-token")).toMatch(/;\s*Secure/i);
  });
});
