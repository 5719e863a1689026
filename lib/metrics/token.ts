import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "../config/env.ts";

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * Whether the request carries `Authorization: Bearer $SWITCHYARD_METRICS_TOKEN` (for scrapers that
 * should not hold an admin key). Compared in constant time; unset means no token works.
 */
export function hasMetricsToken(headers: Headers, token = env("SWITCHYARD_METRICS_TOKEN")): boolean {
  if (!token) return false;
  const match = /^Bearer\s+(\S+)$/i.exec(headers.get("authorization")?.trim() ?? "");
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}
