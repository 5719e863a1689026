// Signs in through next-auth's credentials endpoint over HTTP, the way the login form does, from a
// chosen loopback address: the connection really comes from that address (127.0.0.0/8 is all
// local on Linux), so tests can play several clients, and send any X-Forwarded-For they like.
import { request as httpRequest } from "node:http";

export type HttpResult = { status: number; setCookies: string[]; text: string; json: any };

export function httpCall(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: opts.method ?? "GET", headers: opts.headers, localAddress: opts.from },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => {
          let json: any;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode ?? 0, setCookies: res.headers["set-cookie"] ?? [], text, json });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** `name=value` pairs from Set-Cookie headers, as a Cookie header. */
export function cookieHeader(setCookies: string[]): string {
  return setCookies.map((c) => c.split(";")[0]!).join("; ");
}

export type SignInResult = {
  /** next-auth's error: "CredentialsSignin" for wrong credentials, the throttle's message when throttled, null on success. */
  error: string | null;
  /** The session cookie (`next-auth.session-token=…`) on success. */
  cookie: string | null;
};

export async function signIn(
  appUrl: string,
  email: string,
  password: string,
  opts: { from?: string; forwardedFor?: string } = {},
): Promise<SignInResult> {
  const extra: Record<string, string> = opts.forwardedFor ? { "x-forwarded-for": opts.forwardedFor } : {};
  const csrf = await httpCall(`${appUrl}/api/auth/csrf`, { from: opts.from, headers: extra });
  if (csrf.status !== 200 || !csrf.json?.csrfToken) throw new Error(`GET /api/auth/csrf: ${csrf.status} ${csrf.text}`);
  const res = await httpCall(`${appUrl}/api/auth/callback/credentials`, {
    method: "POST",
    from: opts.from,
    headers: { ...extra, "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(csrf.setCookies) },
    body: new URLSearchParams({
      email,
      password,
      csrfToken: csrf.json.csrfToken,
      callbackUrl: appUrl,
      json: "true",
    }).toString(),
  });
  if (typeof res.json?.url !== "string")
    throw new Error(`POST /api/auth/callback/credentials: ${res.status} ${res.text}`);
  const error = new URL(res.json.url, appUrl).searchParams.get("error");
  const session = res.setCookies.find((c) => /^(__Secure-)?next-auth\.session-token=/.test(c));
  return { error, cookie: session ? session.split(";")[0]! : null };
}
