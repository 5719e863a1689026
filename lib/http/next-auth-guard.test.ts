import { describe, expect, it } from "vitest";
import { ApiError } from "./errors";
import { checkNextAuthRequest } from "./next-auth-guard";

const BASE = "http://app.test/api/auth";

async function refusal(req: Request): Promise<ApiError | null> {
  try {
    await checkNextAuthRequest(req);
    return null;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
}

const post = (path: string, body: string, type = "application/json", headers: Record<string, string> = {}) =>
  new Request(`${BASE}${path}`, { method: "POST", body, headers: { "content-type": type, ...headers } });

describe("next-auth's input, checked before next-auth sees it", () => {
  it("lets what next-auth handles through", async () => {
    expect(await refusal(new Request(`${BASE}/session`))).toBeNull();
    expect(await refusal(new Request(`${BASE}/signin?callbackUrl=%2Fkeys`))).toBeNull();
    expect(
      await refusal(new Request(`${BASE}/signin?callbackUrl=${encodeURIComponent("https://elsewhere.test/x")}`)),
    ).toBeNull();
    expect(
      await refusal(
        post(
          "/callback/credentials",
          "email=a%40b.test&password=p&csrfToken=t&callbackUrl=%2F",
          "application/x-www-form-urlencoded",
        ),
      ),
    ).toBeNull();
    expect(
      await refusal(post("/callback/credentials", JSON.stringify({ email: "a@b.test", callbackUrl: "" }))),
    ).toBeNull();
    expect(
      await refusal(
        new Request(`${BASE}/session`, { headers: { cookie: "next-auth.callback-url=http%3A%2F%2Fapp.test%2Fkeys" } }),
      ),
    ).toBeNull();
  });

  it("refuses JSON that does not parse, an empty JSON body included (next-auth answers those with a bare 500)", async () => {
    expect((await refusal(post("/callback/credentials", "{bad")))?.status).toBe(400);
    expect((await refusal(post("/signout", "")))?.message).toMatch(/not valid JSON/);
  });

  it("refuses NUL in form fields and unpaired surrogates in JSON", async () => {
    expect(
      (await refusal(post("/callback/credentials", "email=a%00b", "application/x-www-form-urlencoded")))?.param,
    ).toBe("email");
    expect((await refusal(post("/callback/credentials", '{"email":"a\\ud800"}')))?.param).toBe("email");
  });

  it("refuses a callbackUrl that is neither a path nor an http(s) URL, wherever it comes from", async () => {
    for (const bad of ["x", "javascript:alert(1)", "ftp://app.test/"]) {
      expect((await refusal(new Request(`${BASE}/csrf?callbackUrl=${encodeURIComponent(bad)}`)))?.param, bad).toBe(
        "callbackUrl",
      );
      expect((await refusal(post("/callback/credentials", JSON.stringify({ callbackUrl: bad }))))?.param, bad).toBe(
        "callbackUrl",
      );
    }
    expect((await refusal(post("/callback/credentials", JSON.stringify({ callbackUrl: 42 }))))?.status).toBe(400);
    expect(
      (await refusal(post("/callback/credentials", "callbackUrl=x", "application/x-www-form-urlencoded")))?.status,
    ).toBe(400);
  });

  it("refuses a broken callback-url cookie and clears it, so the browser is not stuck", async () => {
    const err = await refusal(new Request(`${BASE}/session`, { headers: { cookie: "a=1; next-auth.callback-url=x" } }));
    expect(err?.status).toBe(400);
    expect(err?.headers["Set-Cookie"]).toMatch(/^next-auth\.callback-url=; Path=\/; Max-Age=0/);
    const secure = await refusal(
      new Request(`${BASE}/session`, { headers: { cookie: "__Secure-next-auth.callback-url=42" } }),
    );
    expect(secure?.headers["Set-Cookie"]).toMatch(/; Secure$/);
  });
});
