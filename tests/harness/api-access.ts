import type { Area } from "../../lib/auth/roles.ts";
import type { HttpMethod } from "./api-routes.ts";

// Who may call which API route, stated independently of the handlers' own `access` options so the
// authorization matrix can hold them to it. Everything not listed here needs a signed-in caller.

/** Routes anyone may call, each with the reason. `template` as in the app/api tree. */
export const PUBLIC_ROUTES: { template: string; methods: HttpMethod[]; reason: string }[] = [
  {
    template: "/api/setup",
    methods: ["POST"],
    reason: "first run: creates the admin while none exists (409 afterwards)",
  },
  {
    template: "/api/signup",
    methods: ["POST"],
    reason: "self sign-up (refused with 403 when an admin switched it off)",
  },
  {
    template: "/api/stripe/webhook",
    methods: ["POST"],
    reason: "Stripe calls it without a session; the signature over the raw body is the authentication",
  },
  {
    template: "/api/auth/[...nextauth]",
    methods: ["GET", "POST"],
    reason: "next-auth's own sign-in, csrf, session and sign-out endpoints",
  },
];

export function isPublic(template: string, method: HttpMethod): boolean {
  return PUBLIC_ROUTES.some((r) => r.template === template && r.methods.includes(method));
}

/** The area a route belongs to, by its path: /api/admin is admin-only, /api/finance finance. */
export function expectedArea(template: string): Area {
  // Finance reads the books; crediting a missed Stripe payment writes them, so only admins may.
  if (template === "/api/finance/reconciliation/repair") return "admin";
  // Prometheus metrics: admins (or the scrape token, tested in metrics.test.ts).
  if (template === "/api/metrics") return "admin";
  if (template === "/api/admin" || template.startsWith("/api/admin/")) return "admin";
  if (template === "/api/finance" || template.startsWith("/api/finance/")) return "finance";
  return "user";
}

/**
 * The error body a route answers in: Anthropic's under /api/v1/messages, OpenAI's elsewhere under
 * /api/v1 (chat completions, responses, embeddings, route, models), the app's everywhere else.
 */
export function errorShapeOf(path: string): "anthropic" | "openai" | "app" {
  if (path === "/api/v1/messages") return "anthropic";
  return path.startsWith("/api/v1/") ? "openai" : "app";
}

/** Whether a 401 / 403 body says so in the route's shape (`code` unauthorized / forbidden, with OpenAI's or Anthropic's error type where the shape has one). */
export function saysDenied(
  path: string,
  json: { error?: { code?: unknown; type?: unknown }; type?: unknown } | null,
  status: 401 | 403,
): boolean {
  const type = status === 401 ? "authentication_error" : "permission_error";
  const shape = errorShapeOf(path);
  if (shape === "anthropic") return json?.type === "error" && json.error?.type === type;
  return (
    json?.error?.code === (status === 401 ? "unauthorized" : "forbidden") &&
    (shape !== "openai" || json.error?.type === type)
  );
}
