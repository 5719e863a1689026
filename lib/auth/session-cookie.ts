import { decode } from "next-auth/jwt";

// next-auth v4 names its cookie with a __Secure- prefix when served over https, and splits
// large tokens into numbered chunks.
const COOKIE_NAMES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

function parseCookies(header: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) map.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return map;
}

/** The user id inside a valid next-auth session cookie, or null. */
export async function sessionUserId(cookieHeader: string | null, secret: string): Promise<string | null> {
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
      if (payload?.sub) return payload.sub;
    } catch {
      // A cookie from another secret or a tampered one: not signed in.
    }
  }
  return null;
}
