/** A Prisma error code (e.g. "P2025", record not found). */
export function isPrismaCode(err: unknown, code: string): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === code;
}

/** An update or delete found no row to act on (Prisma's P2025): the thing is gone, a 404. */
export function isNotFound(err: unknown): boolean {
  return isPrismaCode(err, "P2025");
}

/**
 * A unique constraint refused the write: Prisma's P2002 for its own queries, PostgreSQL's 23505
 * for raw SQL (which the pg driver adapter passes through in the error's code, meta or message).
 */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { code?: unknown; meta?: { code?: unknown }; message?: unknown };
  return (
    e.code === "P2002" ||
    e.code === "23505" ||
    e.meta?.code === "23505" ||
    (typeof e.message === "string" && /23505|unique constraint/i.test(e.message))
  );
}
