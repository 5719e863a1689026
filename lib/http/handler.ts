import { randomUUID } from "node:crypto";
import { z } from "zod";
import { db as defaultDb, type Db } from "../db/client.ts";
import { resolveCaller, type Caller } from "../auth/caller.ts";
import { sessionSecret } from "../auth/session-cookie.ts";
import { isNotFound, isUniqueViolation } from "../db/errors.ts";
import { canEnter, type Area } from "../auth/roles.ts";
import { ApiError, errorBody, forbidden, fromZodError, notFound, unauthorized, type ErrorShape } from "./errors.ts";
import { unstorableReason } from "./text.ts";
import { crossSiteRefusal, isStateChanging, nonJsonBodyRefusal } from "./csrf.ts";
import { publicOrigin } from "./origin.ts";
import { ServerTiming } from "./server-timing.ts";
import { existingSettlements } from "../ledger/settlements.ts";
import { log } from "../log/logger.ts";
import { scrubSecrets } from "../security/scrub.ts";

export type HandlerContext<P> = {
  req: Request;
  caller: Caller;
  params: P;
  db: Db;
  requestId: string;
  timing: ServerTiming;
};
export type PublicContext<P> = Omit<HandlerContext<P>, "caller"> & { caller: Caller | null };

type RouteContext = { params?: Promise<Record<string, string | string[]>> };
type Result = Response | object | null;

export type Access = Area | "public";

type Options = {
  access: Access;
  errors?: ErrorShape;
  /** Skips the cross-site write check: only for server-to-server calls that prove themselves otherwise (Stripe's signed webhook). */
  allowCrossSite?: boolean;
};

export function json(body: unknown, init: ResponseInit = {}): Response {
  return Response.json(body, init);
}

/**
 * The one wrapper every /api handler goes through: resolves the caller (session or gateway key),
 * checks the area's roles on the server, refuses cross-site writes (lib/http/csrf.ts), and turns
 * every error into one JSON shape. Unknown errors become a logged 500 with a request id, never a
 * stack trace.
 */
export function handler<P = Record<string, string>>(
  opts: Options & { access: "public" },
  fn: (ctx: PublicContext<P>) => Promise<Result>,
): (req: Request, rc: RouteContext) => Promise<Response>;
export function handler<P = Record<string, string>>(
  opts: Options & { access: Area },
  fn: (ctx: HandlerContext<P>) => Promise<Result>,
): (req: Request, rc: RouteContext) => Promise<Response>;
export function handler<P>(opts: Options, fn: (ctx: HandlerContext<P>) => Promise<Result>) {
  const shape = opts.errors ?? "app";
  return async (req: Request, rc: RouteContext): Promise<Response> => {
    const requestId = randomUUID();
    const timing = new ServerTiming();
    try {
      const database = defaultDb();
      const caller = await resolveCaller(database, req.headers, sessionSecret());
      timing.mark("auth");
      if (opts.access !== "public") {
        if (!caller) throw unauthorized();
        if (!canEnter(caller.role, opts.access)) throw forbidden();
      }
      if (!opts.allowCrossSite) refuseCrossSiteWrite(req, caller);
      // Read-your-writes for the dashboard: this user's replies settled after their last byte
      // (lib/ledger/settlements.ts) are in the books before any page reads money or usage. The
      // gateway itself never waits: a new request needs no earlier one's settle.
      const settling = shape === "app" && caller ? existingSettlements()?.idle(caller.userId) : null;
      if (settling) await settling;
      const params = checkedParams(await rc.params) as P;
      const result = await fn({ req, caller: caller as Caller, params, db: database, requestId, timing });
      const res =
        result instanceof Response ? result : result === null ? new Response(null, { status: 204 }) : json(result);
      return withTiming(res, shape, timing);
    } catch (err) {
      // The client went away (mid-body, mid-request): nothing to answer, nothing wrong here.
      if (isClientAbort(err, req)) {
        log().info({ request_id: requestId, path: new URL(req.url).pathname }, "client closed the request");
        return new Response(null, { status: 499 });
      }
      return withTiming(errorResponse(err, shape, requestId), shape, timing);
    }
  };
}

/** Gateway responses (the OpenAI-shaped /api/v1) say what the gateway spent on them. */
function withTiming(res: Response, shape: ErrorShape, timing: ServerTiming): Response {
  if (shape !== "app") res.headers.set("Server-Timing", timing.header());
  return res;
}

export function errorResponse(err: unknown, shape: ErrorShape, requestId: string): Response {
  const apiError = toApiError(err, requestId);
  return json(errorBody(apiError, shape), {
    status: apiError.status,
    headers: { ...apiError.headers, "X-Request-Id": requestId },
  });
}

function isClientAbort(err: unknown, req: Request): boolean {
  if (err instanceof ApiError) return false;
  if (req.signal.aborted) return true;
  const e = err as { name?: unknown; message?: unknown; code?: unknown } | null;
  return e?.name === "AbortError" || e?.message === "aborted" || e?.code === "ECONNRESET";
}

function toApiError(err: unknown, requestId: string): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof z.ZodError) return fromZodError(err);
  if (isNotFound(err)) return new ApiError(404, "not_found", "Not found");
  if (isUniqueViolation(err)) return new ApiError(409, "conflict", "Already exists");
  log().error(
    { request_id: requestId, err: scrubSecrets(err instanceof Error ? (err.stack ?? err.message) : String(err)) },
    "unhandled error",
  );
  return new ApiError(500, "internal_error", `Internal error (request ${requestId})`);
}

/**
 * Path ids come from the URL, so anything can be in them. No stored id contains NUL or a lone
 * surrogate, and the database would refuse to even compare one: such a path names nothing (404).
 */
function checkedParams(params: Record<string, string | string[]> | undefined): Record<string, string | string[]> {
  for (const value of Object.values(params ?? {})) {
    for (const part of Array.isArray(value) ? value : [value]) if (unstorableReason(part)) throw notFound();
  }
  return params ?? {};
}

/** Cookie-authenticated writes must come from our own pages, as JSON; gateway keys are exempt. */
function refuseCrossSiteWrite(req: Request, caller: Caller | null): void {
  if (caller?.apiKeyId || !isStateChanging(req.method)) return;
  const byCookie = caller !== null;
  const refusal = crossSiteRefusal(req.method, req.headers, publicOrigin(req), byCookie);
  if (refusal) throw new ApiError(403, "cross_site_request", refusal);
  const bodyRefusal = byCookie ? nonJsonBodyRefusal(req.method, req.headers) : null;
  if (bodyRefusal) throw new ApiError(415, "unsupported_media_type", bodyRefusal);
}
