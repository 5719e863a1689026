import { ApiError, badRequest } from "./errors.ts";
import { checkForeignBody } from "./body.ts";

const CALLBACK_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"];

/**
 * next-auth's routes do not go through handler() and read their input themselves. Some of it
 * makes next-auth answer a 500: a body that is not JSON, and a `callbackUrl` (query, body or its
 * callback-url cookie) that is neither a path nor an http(s) URL — its config check and its default
 * redirect callback throw on those. This refuses them first with the API's 400; next-auth then
 * sees only input it handles. Throws the ApiError.
 */
export async function checkNextAuthRequest(req: Request): Promise<void> {
  const url = new URL(req.url);
  for (const value of url.searchParams.getAll("callbackUrl")) checkCallbackUrl(value, url.origin, "callbackUrl");
  for (const [name, value] of cookies(req.headers.get("cookie"))) {
    if (!CALLBACK_COOKIES.includes(name) || isCallbackUrl(value, url.origin)) continue;
    // Cleared as well: a browser holding a broken cookie would otherwise be refused on every sign-in.
    const clear = `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${name.startsWith("__Secure-") ? "; Secure" : ""}`;
    throw new ApiError(
      400,
      "invalid_request",
      `The ${name} cookie is not a valid callback URL; it has been cleared`,
      name,
      { "Set-Cookie": clear },
    );
  }
  if (req.method !== "POST") return;
  const body = await checkForeignBody(req);
  if (body && typeof body === "object" && "callbackUrl" in body)
    checkCallbackUrl((body as { callbackUrl: unknown }).callbackUrl, url.origin, "callbackUrl");
}

function checkCallbackUrl(value: unknown, origin: string, param: string): void {
  if (!isCallbackUrl(value, origin)) throw badRequest(`${param}: must be a path on this site or an http(s) URL`, param);
}

/** next-auth's own test (isValidHttpUrl); absent and empty values it skips, so they pass here too. */
function isCallbackUrl(value: unknown, origin: string): boolean {
  if (value === undefined || value === null || value === "" || value === false || value === 0) return true;
  if (typeof value !== "string") return false;
  try {
    return /^https?:$/.test(new URL(value, value.startsWith("/") ? origin : undefined).protocol);
  } catch {
    return false;
  }
}

/** As next-auth parses the Cookie header: values percent-decoded where they decode. */
function cookies(header: string | null): [string, string][] {
  return (header ?? "").split(";").flatMap((part) => {
    const eq = part.indexOf("=");
    if (eq <= 0) return [];
    const raw = part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1");
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // kept as sent, as the cookie parser does
    }
    return [[part.slice(0, eq).trim(), value]];
  });
}
