// Malformed URLs and bodies against the real Next server: Next decodes path params and next-auth
// parses its own bodies before any of our handlers run, so only this server shows what a client
// really gets back. Every answer must be the API's JSON error, never Next's plain-text 500.
import { expect, test, type APIResponse } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { apiRoutes, fillTemplate, HTTP_METHODS } from "../tests/harness/api-routes";
import { cli } from "./helpers";

// Undecodable (bad escapes, bytes that are not UTF-8, an encoded lone surrogate) or decoding to NUL.
const BAD_SEGMENTS = ["%ZZ", "%", "abc%E0%A4%A", "%FF", "%ED%A0%80", "%00", "a%00b"];

/** Each route with every dynamic segment (or, for a static route, one extra segment) made bad. */
function badPaths(): string[] {
  return apiRoutes().flatMap((route) =>
    BAD_SEGMENTS.map((bad) =>
      route.params.length ? fillTemplate(route.template, () => bad) : `${route.template}/${bad}`,
    ),
  );
}

async function expectJsonError(res: APIResponse, path: string, status: number) {
  const where = `${res.url()} (${path})`;
  expect(res.status(), where).toBe(status);
  expect(res.headers()["content-type"], where).toContain("application/json");
  const { error } = await res.json();
  expect(typeof error.message, where).toBe("string");
  expect(typeof error.code, where).toBe("string");
  expect(error, where).toHaveProperty("param");
  if (path.startsWith("/api/v1/")) expect(typeof error.type, where).toBe("string");
}

test("bad percent-escapes and NUL in API paths answer a JSON 404, with or without a key", async ({ request }) => {
  test.setTimeout(180_000);
  const key = cli("key", "create", "--email", E2E_ADMIN.email, "--name", "bad-paths").trim().split("\n").at(-1)!;
  const paths = badPaths();
  expect(paths.length).toBeGreaterThan(100);
  // The answer comes before any method or caller is looked at, so each path takes a different
  // method in turn, once anonymous and once with a key.
  for (const [i, path] of paths.entries()) {
    const method = HTTP_METHODS[i % HTTP_METHODS.length]!;
    await expectJsonError(await request.fetch(path, { method, maxRedirects: 0 }), path, 404);
    await expectJsonError(
      await request.fetch(path, { method, maxRedirects: 0, headers: { Authorization: `Bearer ${key}` } }),
      path,
      404,
    );
  }
});

test("next-auth's routes refuse malformed and unstorable bodies with a JSON 400", async ({ request }) => {
  const { csrfToken } = await (await request.get("/api/auth/csrf")).json();
  // A Buffer, as Playwright would JSON-encode a string that does not parse.
  const json = (data: string) => ({
    headers: { "content-type": "application/json" },
    data: Buffer.from(data),
    maxRedirects: 0,
  });
  for (const path of ["/api/auth/callback/credentials", "/api/auth/signout", "/api/auth/signin/credentials"]) {
    await expectJsonError(await request.post(path, json("{bad")), path, 400);
    await expectJsonError(await request.post(path, json("")), path, 400);
  }
  // NUL used to reach the sign-in throttle's query and come back as a database error in the redirect.
  const path = "/api/auth/callback/credentials";
  const nul = await request.post(path, {
    maxRedirects: 0,
    form: { email: "admin\u0000@e2e.test", password: E2E_ADMIN.password, csrfToken, json: "true" },
  });
  await expectJsonError(nul, path, 400);
  expect(await nul.text()).not.toMatch(/prisma|database/i);
  // A form cannot carry a lone surrogate (it is sent as UTF-8), JSON can.
  await expectJsonError(
    await request.post(path, json(`{"email":"admin\\ud800@e2e.test","password":"x","csrfToken":"${csrfToken}"}`)),
    path,
    400,
  );
  // A callbackUrl that is neither a path nor an http(s) URL made next-auth itself answer 500.
  for (const bad of ["x", "javascript:alert(1)"]) {
    const query = `/api/auth/session?callbackUrl=${encodeURIComponent(bad)}`;
    await expectJsonError(await request.get(query, { maxRedirects: 0 }), query, 400);
    await expectJsonError(
      await request.post(
        path,
        json(JSON.stringify({ email: "a@e2e.test", password: "x", csrfToken, callbackUrl: bad })),
      ),
      path,
      400,
    );
  }
  const cookie = await request.get("/api/auth/session", {
    maxRedirects: 0,
    headers: { cookie: "next-auth.callback-url=x" },
  });
  await expectJsonError(cookie, "/api/auth/session", 400);
  expect(cookie.headers()["set-cookie"]).toMatch(/^next-auth\.callback-url=;.*Max-Age=0/);
  // What is fine still reaches next-auth.
  const wrong = await request.post(path, {
    maxRedirects: 0,
    form: { email: "nobody-bad-paths@e2e.test", password: "not-the-password", csrfToken, json: "true" },
  });
  expect(wrong.status()).toBe(401);
  expect((await wrong.json()).url).toContain("error=CredentialsSignin");
});
