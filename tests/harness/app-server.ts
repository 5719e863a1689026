import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { apiRoutes, HTTP_METHODS, type ApiRoute, type HttpMethod } from "./api-routes.ts";
import { sendWebResponse, toWebRequest } from "../../lib/http/node-bridge.ts";
import { existingSettlements } from "../../lib/ledger/settlements.ts";
import { isNextAuthRoute, serveNextAuth } from "./next-auth.ts";

export { apiRoutes, HTTP_METHODS, type ApiRoute, type HttpMethod };

/**
 * Serves the app's real route handlers (app/api/**\/route.ts) over HTTP without a Next build, so
 * integration tests can use real clients (the openai SDK, fetch) against exactly the handler code
 * the app ships. The route table is derived from the app/api tree the way Next derives it (static
 * segments win over [param], which wins over [...catchAll]; params arrive percent-decoded), so a
 * new route is served — and fuzzed — without editing this file. Requests pass through proxy.ts
 * first, as on the real server.
 */
type Handler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
type RouteModule = Partial<Record<HttpMethod, Handler>>;

const root = new URL("../../", import.meta.url);

export async function routeModule(route: ApiRoute): Promise<RouteModule> {
  return (await import(new URL(route.file, root).href)) as RouteModule;
}

/** The HTTP methods a route file exports, read from the module itself. */
export async function routeMethods(route: ApiRoute): Promise<HttpMethod[]> {
  const mod = await routeModule(route);
  return HTTP_METHODS.filter((m) => typeof mod[m] === "function");
}

class UndecodableParam extends Error {}

/** As Next does: each param percent-decoded, a catch-all split into its decoded segments. */
function decodedParams(route: ApiRoute, groups: Record<string, string | undefined>): Record<string, string | string[]> {
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new UndecodableParam(s);
    }
  };
  const out: Record<string, string | string[]> = {};
  for (const p of route.params) {
    const raw = groups[p.name];
    if (raw !== undefined) out[p.name] = p.catchAll ? raw.split("/").map(decode) : decode(raw);
  }
  return out;
}

/** NextResponse.next({ request: { headers } }) as Next applies it: the listed headers replace the request's. */
function requestAfterProxy(request: Request, next: Response, hasBody: boolean): Request {
  const names = next.headers.get("x-middleware-override-headers");
  if (names === null) return request;
  const headers = new Headers();
  for (const name of names
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean)) {
    const value = next.headers.get(`x-middleware-request-${name}`);
    if (value !== null) headers.set(name, value);
  }
  return new Request(request, { headers, ...(hasBody ? { duplex: "half" } : {}) } as RequestInit);
}

type Proxy = (req: Request) => Response | undefined | void | Promise<Response | undefined | void>;
let proxyFn: Promise<Proxy> | undefined;

async function dispatch(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://localhost");
  const route = apiRoutes().find((r) => r.pattern.test(url.pathname));
  if (!route) {
    res.writeHead(404).end();
    return;
  }
  const mod = await routeModule(route);
  const fn = mod[req.method as HttpMethod];
  if (!fn) {
    res.writeHead(405).end();
    return;
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  let request = toWebRequest(req, res, { appendPeer: true });
  proxyFn ??= import(new URL("proxy.ts", root).href).then((m: { proxy: Proxy }) => m.proxy);
  const proxied = (await (await proxyFn)(request)) ?? undefined;
  let response = proxied?.headers.has("x-middleware-next") ? undefined : proxied;
  if (!response) {
    if (proxied) request = requestAfterProxy(request, proxied, hasBody);
    let params: Record<string, string | string[]>;
    try {
      params = decodedParams(route, route.pattern.exec(url.pathname)!.groups ?? {});
    } catch (err) {
      if (!(err instanceof UndecodableParam)) throw err;
      // What Next itself answers when it cannot decode a param the proxy let through.
      res.writeHead(500, { "content-type": "text/plain" }).end("Internal Server Error");
      return;
    }
    response = isNextAuthRoute(route.file)
      ? await serveNextAuth(mod, request, params)
      : await fn(request, { params: Promise.resolve(params) });
  }
  // The gateway writes a request's charge and usage row just after its reply (lib/ledger/
  // settlements.ts). Here the response ends only once they are written, so a test that reads the
  // books right after a reply sees them settled. The real server does not wait (scripts/serve.ts).
  await sendWebResponse(res, response, { beforeEnd: async () => existingSettlements()?.allIdle() });
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
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
