import { badRequest } from "./errors.ts";
import { inRanges, lastForwardedValue, trustedProxyRanges } from "./trusted-proxy.ts";

// A host[:port] as it may appear in Host / X-Forwarded-Host (names, IPv4, bracketed IPv6).
const HOST = /^(?:[a-z0-9_-]+(?:\.[a-z0-9_-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The origin users reach the app at: NEXTAUTH_URL when pinned; else, behind a configured trusted
 * proxy, the X-Forwarded-Host/Proto it wrote; else the request's Host over plain HTTP, which is
 * what `npm start` serves (TLS is always a proxy's job). Forwarded headers from anyone else are
 * ignored: they would otherwise pick the host of Stripe's return URLs, next-auth's redirects and
 * the origin that cookie-authenticated writes are checked against.
 */
export function appOrigin(headers: Headers, fallbackHost: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.NEXTAUTH_URL) return new URL(env.NEXTAUTH_URL).origin;
  // The launcher appends the connection's peer to X-Forwarded-For (scripts/record-peer.cjs), so
  // forwarded host/proto count only when that peer is one of the named proxies: a client that
  // reaches the app directly cannot pick its origin.
  const trusted = inRanges(lastForwardedValue(headers.get("x-forwarded-for")) ?? "", trustedProxyRanges(env));
  const host =
    (trusted ? lastForwardedValue(headers.get("x-forwarded-host")) : undefined) ?? headers.get("host") ?? fallbackHost;
  const proto = (trusted ? lastForwardedValue(headers.get("x-forwarded-proto"))?.toLowerCase() : undefined) ?? "http";
  if (!HOST.test(host)) throw badRequest("Invalid Host header");
  if (proto !== "http" && proto !== "https") throw badRequest("Invalid X-Forwarded-Proto header");
  return new URL(`${proto}://${host}`).origin;
}

export function publicOrigin(req: Request): string {
  return appOrigin(req.headers, new URL(req.url).host);
}

/**
 * The request headers with X-Forwarded-Host/Proto rewritten to state appOrigin, or null when the
 * client sent neither or sent the right values (Next.js then fills them in from Host and the
 * connection itself, which agrees with appOrigin). next-auth builds its redirect and callback URLs,
 * and decides whether its cookies are `Secure`, from these two headers; Next.js keeps a client's
 * values, so a forged one would survive to next-auth unless rewritten first (proxy.ts).
 */
export function canonicalForwardedHeaders(
  headers: Headers,
  fallbackHost: string,
  env: NodeJS.ProcessEnv = process.env,
): Headers | null {
  const sent = { host: headers.get("x-forwarded-host"), proto: headers.get("x-forwarded-proto") };
  if (sent.host === null && sent.proto === null) return null;
  const out = new Headers(headers);
  let origin: URL;
  try {
    origin = new URL(appOrigin(headers, fallbackHost, env));
  } catch {
    // A malformed Host: let Next.js fill both in from the connection.
    out.delete("x-forwarded-host");
    out.delete("x-forwarded-proto");
    return out;
  }
  const want = { host: origin.host, proto: origin.protocol.slice(0, -1) };
  if ((sent.host ?? want.host) === want.host && (sent.proto ?? want.proto) === want.proto) return null;
  out.set("x-forwarded-host", want.host);
  out.set("x-forwarded-proto", want.proto);
  return out;
}
