// next-auth's App Router handler reads the request through `next/headers`, which only works inside
// Next's own request context. The same export also serves the Pages Router API form, which takes
// plain request/response objects and runs the same core (AuthHandler: CSRF check, authorize(),
// callbacks, cookies). The harness serves app/api/auth/[...nextauth] through that form, with the
// headers a route handler would see, so integration tests sign in over HTTP exactly as browsers do.

const NEXTAUTH_ROUTE = "app/api/auth/[...nextauth]/route.ts";

export function isNextAuthRoute(file: string): boolean {
  return file === NEXTAUTH_ROUTE;
}

type ApiHandler = (req: unknown, res: unknown) => Promise<unknown>;

function parseCookies(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

async function parseBody(request: Request): Promise<Record<string, unknown> | undefined> {
  if (request.method !== "POST") return undefined;
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/json")) return (await request.json()) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(await request.text()));
}

export async function serveNextAuth(
  mod: Record<string, unknown>,
  request: Request,
  params: Record<string, string | string[]>,
): Promise<Response> {
  const handle = mod[request.method] as ApiHandler;
  const url = new URL(request.url);
  const nextauth = params.nextauth;
  const status = { code: 200 };
  const headers = new Headers();
  let setCookies: string[] = [];
  let body: string | undefined;
  const res = {
    status(code: number) {
      status.code = code;
      return res;
    },
    getHeader(name: string) {
      return name.toLowerCase() === "set-cookie" ? setCookies : (headers.get(name) ?? undefined);
    },
    setHeader(name: string, value: string | string[]) {
      if (name.toLowerCase() === "set-cookie") setCookies = Array.isArray(value) ? value : [value];
      else headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      return res;
    },
    json(value: unknown) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(value);
    },
    send(value: unknown) {
      if (typeof value === "object" && value !== null) return res.json(value);
      body = value === undefined ? undefined : String(value);
    },
    end() {},
  };
  await handle(
    {
      method: request.method,
      query: { ...Object.fromEntries(url.searchParams), nextauth: Array.isArray(nextauth) ? nextauth : [nextauth] },
      body: await parseBody(request),
      cookies: parseCookies(request.headers.get("cookie")),
      headers: Object.fromEntries(request.headers),
    },
    res,
  );
  for (const cookie of setCookies) headers.append("set-cookie", cookie);
  return new Response(body ?? null, { status: status.code, headers });
}
