import { decode, encode, type JWT } from "next-auth/jwt";
import { env } from "../config/env.ts";

// next-auth v4 names its cookie with a __Secure- prefix when served over https, and splits
// large tokens into numbered chunks.
const COOKIE_NAMES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

export function sessionSecret(): string {
  const secret = env("NEXTAUTH_SECRET");
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set: start the app with `npm start`, which provides it");
  return secret;
}

function parseCookies(header: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) map.set(part.slice(0, eq).trim(), safeDecode(part.slice(eq + 1).trim()));
  }
  return map;
}

// Any client can send any cookie: a malformed escape in someone else's cookie must not be a 500.
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export type SessionToken = {
  /** The cookie it came in (the `__Secure-` name over https). */
  cookieName: string;
  userId: string;
  /** The user's session version at sign-in (users.session_version); tokens from before versions existed count as 0. */
  sessionVersion: number;
  payload: JWT;
};

/** The valid next-auth session token in these cookies, or null. */
export async function readSessionToken(cookieHeader: string | null, secret: string): Promise<SessionToken | null> {
  if (!cookieHeader) return null;
  const cookies = parseCookies(cookieHeader);
  for (const name of COOKIE_NAMES) {
    let token = cookies.get(name);
    if (!token) {
      const chunks: string[] = [];
      for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
      token = chunks.join("") || undefined;
    }
    if (!token) continue;
    try {
      const payload = await decode({ token, secret });
      if (payload?.sub)
        return {
          cookieName: name,
          userId: payload.sub,
          sessionVersion: typeof payload.sv === "number" ? payload.sv : 0,
          payload,
        };
    } catch {
      // A cookie from another secret or a tampered one: not signed in.
    }
  }
  return null;
}

/**
 * A Set-Cookie that replaces the presented session with the same one at `sessionVersion`, or null
 * without a valid session. For the browser that changed its own password: every other session
 * ends, this one goes on. Written as next-auth writes its cookie (same name, flags and lifetime).
 */
export async function renewedSessionCookie(
  cookieHeader: string | null,
  secret: string,
  sessionVersion: number,
): Promise<string | null> {
  const session = await readSessionToken(cookieHeader, secret);
  if (!session) return null;
  // next-auth's own token is a few hundred bytes, far below the 4 KB at which it splits cookies
  // into chunks, so one cookie replaces it.
  const { iat: _iat, exp: _exp, jti: _jti, ...claims } = session.payload;
  const value = await encode({ token: { ...claims, sv: sessionVersion }, secret, maxAge: SESSION_MAX_AGE_SECONDS });
  const expires = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000).toUTCString();
  const secure = session.cookieName.startsWith("__Secure-") ? "; Secure" : "";
  return `${session.cookieName}=${value}; Path=/; Expires=${expires}; HttpOnly; SameSite=Lax${secure}`;
}

/**
 * Headers that keep the caller's own browser signed in after a change that ended `userId`'s
 * sessions (password, role): a Set-Cookie at the new version when the caller is that user's
 * browser session, nothing for a gateway key or anyone else.
 */
export async function keepOwnSession(
  req: Request,
  caller: { userId: string; apiKeyId: string | null },
  userId: string,
  sessionVersion: number,
): Promise<Record<string, string>> {
  if (caller.apiKeyId || caller.userId !== userId) return {};
  const cookie = await renewedSessionCookie(req.headers.get("cookie"), sessionSecret(), sessionVersion);
  return cookie ? { "set-cookie": cookie } : {};
}
