import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { AddressInfo } from "node:net";

/**
 * Serves the app's real route handlers (app/api/**\/route.ts) over HTTP without a Next build, so
 * integration tests can use real clients (the openai SDK, fetch) against exactly the handler code
 * the app ships. Routing here is a small table; everything after it is the product's code.
 */
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type RouteModule = Partial<Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE", Handler>>;

const ROUTES: [RegExp, string][] = [
  [/^\/api\/v1\/chat\/completions$/, "app/api/v1/chat/completions/route.ts"],
  [/^\/api\/v1\/models$/, "app/api/v1/models/route.ts"],
  [/^\/api\/v1\/route$/, "app/api/v1/route/route.ts"],
  [/^\/api\/me$/, "app/api/me/route.ts"],
  [/^\/api\/keys$/, "app/api/keys/route.ts"],
  [/^\/api\/keys\/(?<id>[^/]+)$/, "app/api/keys/[id]/route.ts"],
  [/^\/api\/byok$/, "app/api/byok/route.ts"],
  [/^\/api\/byok\/(?<id>[^/]+)$/, "app/api/byok/[id]/route.ts"],
  [/^\/api\/settings$/, "app/api/settings/route.ts"],
  [/^\/api\/admin\/providers$/, "app/api/admin/providers/route.ts"],
  [/^\/api\/admin\/providers\/(?<id>[^/]+)$/, "app/api/admin/providers/[id]/route.ts"],
  [/^\/api\/admin\/models$/, "app/api/admin/models/route.ts"],
  [/^\/api\/admin\/models\/(?<id>[^/]+)$/, "app/api/admin/models/[id]/route.ts"],
  [/^\/api\/admin\/routing-rules$/, "app/api/admin/routing-rules/route.ts"],
  [/^\/api\/admin\/routing-rules\/(?<id>[^/]+)$/, "app/api/admin/routing-rules/[id]/route.ts"],
  [/^\/api\/admin\/health$/, "app/api/admin/health/route.ts"],
  [/^\/api\/admin\/settings$/, "app/api/admin/settings/route.ts"],
  [/^\/api\/conversations$/, "app/api/conversations/route.ts"],
  [/^\/api\/conversations\/(?<id>[^/]+)$/, "app/api/conversations/[id]/route.ts"],
  [/^\/api\/conversations\/(?<id>[^/]+)\/messages$/, "app/api/conversations/[id]/messages/route.ts"],
  [/^\/api\/admin\/users$/, "app/api/admin/users/route.ts"],
  [/^\/api\/admin\/users\/(?<id>[^/]+)$/, "app/api/admin/users/[id]/route.ts"],
  [/^\/api\/admin\/users\/(?<id>[^/]+)\/credits$/, "app/api/admin/users/[id]/credits/route.ts"],
  [/^\/api\/credits$/, "app/api/credits/route.ts"],
  [/^\/api\/credits\/config$/, "app/api/credits/config/route.ts"],
  [/^\/api\/credits\/ledger$/, "app/api/credits/ledger/route.ts"],
  [/^\/api\/credits\/checkout$/, "app/api/credits/checkout/route.ts"],
  [/^\/api\/credits\/statement\.csv$/, "app/api/credits/statement.csv/route.ts"],
  [/^\/api\/credits\/purchases\/(?<sessionId>[^/]+)$/, "app/api/credits/purchases/[sessionId]/route.ts"],
  [/^\/api\/stripe\/webhook$/, "app/api/stripe/webhook/route.ts"],
  [/^\/api\/usage$/, "app/api/usage/route.ts"],
  [/^\/api\/usage\/requests\/(?<id>[^/]+)$/, "app/api/usage/requests/[id]/route.ts"],
];

const extraRoutes: [RegExp, string][] = [];
/** Lets later suites add routes (credits, usage, finance…) without editing this table's users. */
export function addRoute(pattern: RegExp, file: string) {
  extraRoutes.push([pattern, file]);
}

const root = new URL("../../", import.meta.url);

async function dispatch(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://localhost");
  const match = [...ROUTES, ...extraRoutes].map(([re, file]) => ({ m: re.exec(url.pathname), file })).find((x) => x.m);
  if (!match) {
    res.writeHead(404).end();
    return;
  }
  const mod = (await import(new URL(match.file, root).href)) as RouteModule;
  const fn = mod[req.method as keyof RouteModule];
  if (!fn) {
    res.writeHead(405).end();
    return;
  }
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(url, {
    method: req.method,
    headers: Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : Array.isArray(v) ? v.map((x) => [k, x] as [string, string]) : [[k, v] as [string, string]])),
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    signal: abort.signal,
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
  const response = await fn(request, { params: Promise.resolve({ ...(match.m!.groups ?? {}) }) });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  res.on("close", () => void reader.cancel().catch(() => {}));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise((r) => res.once("drain", r));
    }
  } catch {
    // the client went away mid-stream
  }
  res.end();
}

export async function startAppServer(): Promise<{ url: string; close(): Promise<void>; server: Server }> {
  const server = createServer((req, res) => {
    dispatch(req, res).catch((err) => {
      console.error("harness:", err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
