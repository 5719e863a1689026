import { z } from "zod";
import { ApiError, badRequest, fromZodError } from "./errors.ts";
import { findJsonProblem, unstorableReason } from "./text.ts";

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a JSON body with a size cap (413) and validates it (400 naming the field). Strings the
 * database cannot store (NUL, unpaired surrogates) and absurd nesting are refused here for every
 * route, before any handler can write part of the request.
 */
export async function readJson<T extends z.ZodType>(
  req: Request,
  schema: T,
  maxBytes = DEFAULT_MAX_BODY_BYTES,
): Promise<z.infer<T>> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new ApiError(413, "body_too_large", `Request body exceeds ${maxBytes} bytes`);
  const text = await readCapped(req, maxBytes);
  let json: unknown;
  try {
    json = text.length ? JSON.parse(text) : undefined;
  } catch {
    throw badRequest("Request body is not valid JSON");
  }
  const problem = jsonProblem(json);
  if (problem) throw problem;
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw fromZodError(parsed.error, schema);
  return parsed.data;
}

function jsonProblem(json: unknown): ApiError | null {
  const problem = findJsonProblem(json);
  if (!problem) return null;
  return badRequest(
    problem.path ? `${problem.path}: ${problem.message}` : `Request body ${problem.message}`,
    problem.path,
  );
}

async function readCapped(req: Request, maxBytes: number): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new ApiError(413, "body_too_large", `Request body exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function parseQuery<T extends z.ZodType>(req: Request, schema: T): z.infer<T> {
  const params = storableParams(new URL(req.url).searchParams, "query parameter");
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw fromZodError(parsed.error, schema);
  return parsed.data;
}

/**
 * The same refusals for a body that some other code will read (next-auth's routes, which parse
 * JSON and form bodies themselves and answer a bare 500 to JSON that does not parse): malformed
 * JSON — an empty body included, as next-auth parses it anyway — and strings the database cannot
 * store. Reads a clone, so the body is still there for its reader. Returns what that reader will
 * see (a form as an object), or undefined for bodies of other types; throws the 400.
 */
export async function checkForeignBody(req: Request): Promise<unknown> {
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  const isJson = type.includes("json");
  if (!req.body || !(isJson || type.includes("application/x-www-form-urlencoded"))) return undefined;
  const text = await req.clone().text();
  if (isJson) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw badRequest("Request body is not valid JSON");
    }
    const problem = jsonProblem(json);
    if (problem) throw problem;
    return json;
  }
  return storableParams(new URLSearchParams(text), "form field");
}

/** Name/value pairs as an object, refusing (400, naming the key) any the database could not store. */
function storableParams(params: URLSearchParams, what: string): Record<string, string> {
  for (const [key, value] of params) {
    const reason = unstorableReason(key) ?? unstorableReason(value);
    if (reason) throw badRequest(`${what} ${JSON.stringify(key)} ${reason}`, JSON.stringify(key).slice(1, -1));
  }
  return Object.fromEntries(params);
}
