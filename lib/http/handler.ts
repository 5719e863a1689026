import { randomUUID } from "node:crypto";
import { z } from "zod";
import { db as defaultDb, type Db } from "../db/client.ts";
import { resolveCaller, type Caller } from "../auth/caller.ts";
import { canEnter, type Area } from "../auth/roles.ts";
import { ApiError, errorBody, forbidden, fromZodError, unauthorized, type ErrorShape } from "./errors.ts";

export type HandlerContext<P> = { req: Request; caller: Caller; params: P; db: Db; requestId: string };
export type PublicContext<P> = Omit<HandlerContext<P>, "caller"> & { caller: Caller | null };

type RouteContext = { params?: Promise<Record<string, string | string[]>> };
type Result = Response | object | null;

export type Access = Area | "public";

type Options = { access: Access; errors?: ErrorShape };

export function json(body: unknown, init: ResponseInit = {}): Response {
  return Response.json(body, init);
}

/**
 * The one wrapper every /api handler goes through: resolves the caller (session or gateway key),
 * checks the area's roles on the server, and turns every error into one JSON shape. Unknown
 * errors become a logged 500 with a request id, never a stack trace.
 */
export function handler<P = Record<string, string>>(opts: Options & { access: "public" }, fn: (ctx: PublicContext<P>) => Promise<Result>): (req: Request, rc: RouteContext) => Promise<Response>;
export function handler<P = Record<string, string>>(opts: Options & { access: Area }, fn: (ctx: HandlerContext<P>) => Promise<Result>): (req: Request, rc: RouteContext) => Promise<Response>;
export function handler<P>(opts: Options, fn: (ctx: HandlerContext<P>) => Promise<Result>) {
  const shape = opts.errors ?? "app";
  return async (req: Request, rc: RouteContext): Promise<Response> => {
    const requestId = randomUUID();
    try {
      const database = defaultDb();
      const caller = await resolveCaller(database, req.headers, sessionSecret());
      if (opts.access !== "public") {
        if (!caller) throw unauthorized();
        if (!canEnter(caller.role, opts.access)) throw forbidden();
      }
      const params = ((await rc.params) ?? {}) as P;
      const result = await fn({ req, caller: caller as Caller, params, db: database, requestId });
      if (result instanceof Response) return result;
      return result === null ? new Response(null, { status: 204 }) : json(result);
    } catch (err) {
      return errorResponse(err, shape, requestId);
    }
  };
}

export function errorResponse(err: unknown, shape: ErrorShape, requestId: string): Response {
  const apiError = toApiError(err, requestId);
  return json(errorBody(apiError, shape), { status: apiError.status, headers: { ...apiError.headers, "X-Request-Id": requestId } });
}

function toApiError(err: unknown, requestId: string): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof z.ZodError) return fromZodError(err);
  if (isPrismaCode(err, "P2025")) return new ApiError(404, "not_found", "Not found");
  if (isPrismaCode(err, "P2002")) return new ApiError(409, "conflict", "Already exists");
  console.error(`[${requestId}] unhandled error:`, err instanceof Error ? err.stack : err);
  return new ApiError(500, "internal_error", `Internal error (request ${requestId})`);
}

function isPrismaCode(err: unknown, code: string): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === code;
}

function sessionSecret(): string {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set: start the app with `npm start`, which provides it");
  return secret;
}
