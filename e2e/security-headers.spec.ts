import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type APIResponse } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { cli, expectSignedInAs, signIn } from "./helpers";

// Against the real Next.js server started by `npm start`: what a browser and a hostile client
// actually get, headers included (route handlers, streams and 404s take a different path through
// Next than pages do).

function expectSecurityHeaders(res: APIResponse, what: string) {
  const headers = res.headers();
  const csp = headers["content-security-policy"] ?? "";
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ]) {
    expect(csp, `${what}: CSP has ${directive}`).toContain(directive);
  }
  // The production build: eval is for the dev server only.
  expect(csp, what).not.toContain("unsafe-eval");
  expect(headers["x-frame-options"], what).toBe("DENY");
  expect(headers["x-content-type-options"], what).toBe("nosniff");
  expect(headers["referrer-policy"], what).toBe("strict-origin-when-cross-origin");
  expect(headers["permissions-policy"], what).toContain("camera=()");
}

test("pages, API answers (JSON, errors, a streamed completion) and 404s all carry the security headers", async ({
  request,
}) => {
  const login = await request.get("/login");
  expect(login.status()).toBe(200);
  expectSecurityHeaders(login, "/login");

  const models = await request.get("/api/v1/models");
  expect(models.status()).toBe(401);
  expectSecurityHeaders(models, "/api/v1/models without a key");

  const missing = await request.get("/api/no-such-route");
  expect(missing.status()).toBe(404);
  expectSecurityHeaders(missing, "an unknown API path");
  expectSecurityHeaders(await request.get("/no-such-page"), "an unknown page");

  const key = cli("key", "create", "--email", E2E_ADMIN.email, "--name", "headers-spec").trim().split("\n").at(-1)!;
  const authorized = { Authorization: `Bearer ${key}` };
  const listed = await request.get("/api/v1/models", { headers: authorized });
  expect(listed.status()).toBe(200);
  expectSecurityHeaders(listed, "/api/v1/models");

  const stream = await request.post("/api/v1/chat/completions", {
    headers: authorized,
    data: { model: "eco", stream: true, max_tokens: 16, messages: [{ role: "user", content: "headers please" }] },
  });
  expect(stream.status(), await stream.text()).toBe(200);
  expect(stream.headers()["content-type"]).toContain("text/event-stream");
  expect(await stream.text()).toContain("data: [DONE]");
  expectSecurityHeaders(stream, "a streamed completion");
});

test("the policy lets the dashboard run: no CSP violation while signing in and using the pages", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (msg) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect)/i.test(msg.text()))
      violations.push(msg.text());
  });
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await expectSignedInAs(page, E2E_ADMIN.email);
  for (const path of ["/usage", "/chat", "/credits", "/finance", "/admin/providers"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  }
  expect(violations).toEqual([]);
});

test("a forged X-Forwarded-Host or -Proto moves none of next-auth's URLs and makes no cookie Secure", async ({
  request,
  baseURL,
}) => {
  const origin = new URL(baseURL!).origin;
  const forged = { "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https" };

  const providers = await request.get("/api/auth/providers", { headers: forged });
  expect(providers.status()).toBe(200);
  const listed = await providers.text();
  expect(listed).not.toContain("evil.example");
  expect(JSON.parse(listed).credentials).toMatchObject({
    signinUrl: `${origin}/api/auth/signin/credentials`,
    callbackUrl: `${origin}/api/auth/callback/credentials`,
  });

  const csrf = await request.get("/api/auth/csrf", { headers: forged });
  expect(csrf.status()).toBe(200);
  const cookies = csrf
    .headersArray()
    .filter((h) => h.name.toLowerCase() === "set-cookie")
    .map((h) => h.value);
  expect(cookies.length).toBeGreaterThan(0);
  for (const cookie of cookies) {
    expect(cookie).not.toContain("evil.example");
    expect(cookie).not.toMatch(/;\s*Secure/i);
    expect(cookie).not.toMatch(/^__(Host|Secure)-/);
  }
  expect(decodeURIComponent(cookies.find((c) => c.startsWith("next-auth.callback-url="))!)).toContain(`=${origin};`);

  const signin = await request.get("/api/auth/signin?callbackUrl=%2Fchat", { headers: forged, maxRedirects: 0 });
  expect(signin.status()).toBe(302);
  expect(signin.headers()["location"]).not.toContain("evil.example");

  const signout = await request.get("/api/auth/signout", { headers: forged, maxRedirects: 0 });
  expect(await signout.text()).not.toContain("evil.example");
  expect(signout.headers()["location"] ?? "").not.toContain("evil.example");
});

test("a page on another origin of the same site cannot use the signed-in admin's cookie to create an admin", async ({
  page,
  baseURL,
}) => {
  const email = `csrf-${Date.now()}@e2e.test`;
  const target = `${new URL(baseURL!).origin}/api/admin/users`;
  // Another app on the same host (another port): same site, so the browser does send the
  // SameSite=Lax session cookie with its form post. Only the Origin check stands in the way.
  const evil: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html>
      <form id="f" method="POST" action="${target}" enctype="text/plain">
        <input name='{"email":"${email}","password":"attacker-password-1","role":"ADMIN","x":"' value='"}'>
      </form>
      <script>document.getElementById("f").submit()</script>`);
  });
  await new Promise<void>((r) => evil.listen(0, "localhost", r));
  try {
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
    await expectSignedInAs(page, E2E_ADMIN.email);
    const answer = page.waitForResponse((res) => res.url() === target && res.request().method() === "POST");
    await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
    const res = await answer;
    expect(res.status()).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "cross_site_request" } });
    // The browser did send the cookie: without the check this would have been an admin.
    expect((await res.request().allHeaders())["cookie"]).toContain("next-auth.session-token");

    const users = (await (await page.request.get("/api/admin/users")).json()).data as { email: string }[];
    expect(users.map((u) => u.email)).not.toContain(email);
  } finally {
    await new Promise((r) => evil.close(r));
  }
});
