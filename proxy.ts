import { NextResponse } from "next/server";
import { ApiError, errorBody, notFound } from "@/lib/http/errors";
import { canonicalForwardedHeaders } from "@/lib/http/origin";
import { unstorableReason } from "@/lib/http/text";
import { checkNextAuthRequest } from "@/lib/http/next-auth-guard";

/**
 * Next percent-decodes dynamic path params before a route handler runs, and a segment that does
 * not decode (`/api/keys/%ZZ`, a stray `%`, bytes that are not UTF-8) makes it answer a plain-text
 * 500 from outside any handler. Such a path names nothing, so it gets the API's JSON 404 here,
 * before Next tries. Segments decoding to NUL are refused too: no id contains one, and the
 * database cannot compare against it (handler() refuses those as well, for callers that bypass this).
 * next-auth's routes, which read their own input, get the same refusals and a few of their own
 * (lib/http/next-auth-guard.ts).
 * Whatever passes then has its forwarded headers made trustworthy (forwardedHeadersRewrite).
 */
export async function proxy(req: Request): Promise<Response | undefined> {
  const { pathname } = new URL(req.url);
  if (pathname.startsWith("/api/") && pathname.includes("%")) {
    for (const segment of pathname.split("/")) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        return notFoundResponse(pathname);
      }
      if (unstorableReason(decoded)) return notFoundResponse(pathname);
    }
  }
  if (pathname.startsWith("/api/auth/")) {
    try {
      await checkNextAuthRequest(req);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return Response.json(errorBody(err, "app"), { status: err.status, headers: err.headers });
    }
  }
  return forwardedHeadersRewrite(req);
}

/**
 * next-auth (its routes, and getServerSession in pages) takes the app's origin from
 * X-Forwarded-Host/Proto, and Next.js keeps whatever a client sent there. Rewritten to the origin
 * lib/http/origin.ts trusts, a forged header cannot move next-auth's redirect and callback URLs
 * to another host or flip its cookies to `Secure`, and pages, next-auth and the API agree on one
 * origin. Requests that carry no such header (all but proxied or forged ones) pass untouched.
 */
function forwardedHeadersRewrite(req: Request): Response | undefined {
  const headers = canonicalForwardedHeaders(req.headers, new URL(req.url).host);
  return headers ? NextResponse.next({ request: { headers } }) : undefined;
}

function notFoundResponse(pathname: string): Response {
  const shape = pathname === "/api/v1" || pathname.startsWith("/api/v1/") ? "openai" : "app";
  return Response.json(errorBody(notFound(), shape), { status: 404 });
}

// Every API route and page (next-auth reads forwarded headers in both); not static assets.
export const config = { matcher: "/((?!_next/static/|_next/image|favicon\\.ico).*)" };
