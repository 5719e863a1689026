/**
 * Strings the database cannot hold. PostgreSQL `text` refuses NUL (U+0000) and `jsonb` refuses
 * both NUL and UTF-16 surrogates without their pair, so such input would fail deep inside a write
 * as a 500 — or half-way through one. Refusing it at the HTTP boundary keeps that from happening
 * for every route at once, including the ones whose strings only reach the database on an error
 * path (an upstream echoing a prompt into a stored error message).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function unstorableReason(s: string): string | null {
  if (s.includes("\u0000")) return "must not contain NUL characters (\\u0000)";
  if (LONE_SURROGATE.test(s)) return "must not contain unpaired UTF-16 surrogates (e.g. \\ud800 alone)";
  return null;
}

/** JSON nested deeper than this is refused: serialising it again (to the database or upstream) recurses. */
export const MAX_JSON_DEPTH = 100;

export type JsonProblem = { path: string | null; message: string };

/**
 * The first string (value or property name) in parsed JSON that cannot be stored, or nesting past
 * MAX_JSON_DEPTH. Iterative, so hostile nesting cannot overflow the stack here either. Paths are
 * joined with "." like zod's, so `param` reads the same for both kinds of 400.
 */
export function findJsonProblem(root: unknown): JsonProblem | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  const label = (path: (string | number)[]) =>
    path.length ? path.map((p) => (typeof p === "string" ? printable(p) : p)).join(".") : null;
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") {
      const reason = unstorableReason(value);
      if (reason) return { path: label(path), message: reason };
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    if (path.length >= MAX_JSON_DEPTH)
      return { path: label(path), message: `nests deeper than ${MAX_JSON_DEPTH} levels` };
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] });
      continue;
    }
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const reason = unstorableReason(key);
      if (reason) return { path: label([...path, key]), message: `property name ${reason}` };
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return null;
}

/** A property name fit to echo back in an error (the offending characters escaped). */
function printable(key: string): string {
  return JSON.stringify(key).slice(1, -1);
}
