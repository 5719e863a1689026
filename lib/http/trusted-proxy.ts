import { env } from "../config/env.ts";

/**
 * SWITCHYARD_TRUSTED_PROXIES: comma-separated addresses or CIDRs of the operator's reverse proxy.
 * X-Forwarded-* headers are believed only on connections whose peer (recorded by the launcher,
 * scripts/record-peer.cjs) is one of them; any client can write those headers itself.
 */
export function trustedProxies(source: NodeJS.ProcessEnv = process.env): string[] {
  return env("SWITCHYARD_TRUSTED_PROXIES", source);
}

/**
 * The value the nearest proxy wrote into a forwarded header. Proxies that append rather than
 * overwrite leave the client's own value first, so only the last entry is the trusted one.
 */
export function lastForwardedValue(value: string | null | undefined): string | undefined {
  return value
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .pop();
}

// ---------------------------------------------------------------------------------------------
// Addresses and ranges. `npm start` preloads scripts/record-peer.cjs into the Next.js server, which
// appends each connection's peer address to X-Forwarded-For (Next.js itself only fills the header
// in when the client sent none), so the last entry is always the socket's peer. Entries before it
// are whatever the client and any proxies wrote: only entries added by proxies the operator named
// in SWITCHYARD_TRUSTED_PROXIES can be believed.

/** An address as 4 (IPv4) or 16 (IPv6) bytes; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, how a dual-stack socket shows an IPv4 peer) is returned as its IPv4 address. */
export function parseIp(text: string): Uint8Array | null {
  let s = text.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(s);
  if (bracketed) s = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(s)) s = s.slice(0, s.indexOf(":")); // IPv4 with a port
  s = s.replace(/%[\w.-]+$/, ""); // an IPv6 zone (fe80::1%eth0)
  if (!s.includes(":")) return parseIpv4(s);
  const v6 = parseIpv6(s);
  if (v6 && v6.subarray(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff) return v6.slice(12);
  return v6;
}

function parseIpv4(s: string): Uint8Array | null {
  const parts = s.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return null;
  return Uint8Array.from(parts.map(Number));
}

function parseIpv6(s: string): Uint8Array | null {
  // A dotted IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
  const tail = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const v4 = parseIpv4(tail[2]!);
    if (!v4) return null;
    s = `${tail[1]}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (part: string) => (part === "" ? [] : part.split(":"));
  const head = groupsOf(halves[0]!);
  const rest = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    bytes[2 * i] = n >> 8;
    bytes[2 * i + 1] = n & 0xff;
  });
  return bytes;
}

/** Dotted IPv4, or RFC 5952 IPv6 (lower case, the longest run of zero groups as `::`). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join(".");
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(":");
  return `${hex.slice(0, best.at).join(":")}::${hex.slice(best.at + best.len).join(":")}`;
}

export type IpRange = { bytes: Uint8Array; prefix: number };

/** Addresses and CIDRs (`10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7`); throws on an entry it cannot read, naming it. */
export function parseIpRanges(entries: string[]): IpRange[] {
  return entries.map((entry) => {
    const m = /^([^/]+?)(?:\/(\d{1,3}))?$/.exec(entry.trim());
    const bytes = m ? parseIp(m[1]!) : null;
    const prefix = m?.[2] === undefined ? (bytes?.length ?? 0) * 8 : Number(m[2]);
    if (!bytes || prefix > bytes.length * 8) {
      throw new Error(
        `SWITCHYARD_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, 2001:db8::/32)`,
      );
    }
    return { bytes, prefix };
  });
}

export function inRanges(address: string, ranges: readonly IpRange[]): boolean {
  const ip = parseIp(address);
  return !!ip && ranges.some((r) => inRange(ip, r));
}

function inRange(ip: Uint8Array, range: IpRange): boolean {
  if (ip.length !== range.bytes.length) return false;
  const whole = range.prefix >> 3;
  for (let i = 0; i < whole; i++) if (ip[i] !== range.bytes[i]) return false;
  const bits = range.prefix & 7;
  if (!bits) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (ip[whole]! & mask) === (range.bytes[whole]! & mask);
}

let parsedFrom: string | undefined;
let parsed: IpRange[] = [];

/** SWITCHYARD_TRUSTED_PROXIES as ranges (re-read when the variable changes). */
export function trustedProxyRanges(env: NodeJS.ProcessEnv = process.env): IpRange[] {
  const spec = env.SWITCHYARD_TRUSTED_PROXIES ?? "";
  if (spec !== parsedFrom) {
    parsed = parseIpRanges(trustedProxies(env));
    parsedFrom = spec;
  }
  return parsed;
}

/**
 * The client's address: the right-most X-Forwarded-For entry that is not a trusted proxy. With no
 * trusted proxies that is the last entry, the connection's peer. If every entry is a trusted
 * proxy, the left-most (the furthest back anyone trustworthy saw). Null without any entry.
 */
export function clientAddress(forwardedFor: string | null | undefined, proxies: readonly IpRange[]): string | null {
  const entries = (forwardedFor ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (let i = entries.length - 1; i >= 0; i--) {
    const ip = parseIp(entries[i]!);
    if (i > 0 && ip && proxies.some((r) => inRange(ip, r))) continue;
    return ip ? formatIp(ip) : entries[i]!;
  }
  return null;
}

/** X-Forwarded-For with the connection's peer appended, as each proxy hop does. */
export function appendForwardedFor(existing: string | string[] | undefined, peer: string | undefined): string {
  const before = (Array.isArray(existing) ? existing.join(", ") : (existing ?? "")).trim();
  return before ? `${before}, ${peer ?? "unknown"}` : (peer ?? "unknown");
}
