/**
 * Cross-site request forgery: a page on another site can make the user's browser send a POST
 * (form, or fetch with `text/plain` / no content type, which needs no CORS preflight) to our API,
 * and the browser attaches the session cookie. Browsers always say where such a request comes
 * from (`Origin` on every non-GET fetch and form post; `Sec-Fetch-Site` besides), and a page
 * cannot forge either. A gateway key in `Authorization` is never sent by a browser on its own, so
 * key-authenticated calls need none of this.
 */

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Why a state-changing request must be refused, or null when it may go on.
 *
 * `strict` (the request is authenticated by the session cookie): it must prove it comes from our
 * own pages, by an `Origin` equal to `appOrigin`, or — without `Origin` — `Sec-Fetch-Site:
 * same-origin`. A request with neither is refused: only a non-browser client omits both, and
 * those have gateway keys.
 *
 * Not strict (nobody signed in: sign-up, first-run setup): scripts and curl may call these
 * without any of the headers, but a browser that says the request comes from another site is
 * refused, so a foreign page cannot, say, create the first admin of a fresh local install.
 */
export function crossSiteRefusal(method: string, headers: Headers, appOrigin: string, strict: boolean): string | null {
  if (!isStateChanging(method)) return null;
  const origin = headers.get("origin");
  if (origin !== null) {
    if (sameOrigin(origin, appOrigin)) return null;
    return `Cross-origin request refused: Origin ${origin} is not this app's origin (${appOrigin}). Behind a reverse proxy, set NEXTAUTH_URL to the public URL.`;
  }
  const site = headers.get("sec-fetch-site");
  if (site === "same-origin") return null;
  if (site !== null && site !== "none") return `Cross-site request refused (Sec-Fetch-Site: ${site})`;
  return strict
    ? "Request refused: a request authenticated by the session cookie must carry an Origin header (API clients: use a gateway key)"
    : null;
}

function sameOrigin(origin: string, appOrigin: string): boolean {
  // "null" (sandboxed frames, some redirects) parses to an opaque origin and never matches.
  try {
    return new URL(origin).origin === new URL(appOrigin).origin;
  } catch {
    return false;
  }
}

/**
 * Why a cookie-authenticated write's body must be refused (415), or null. Every endpoint behind
 * the session cookie takes JSON, and a cross-site page can only send a body without a CORS
 * preflight as text/plain, a form or with no type at all: refusing those is a second wall behind
 * the Origin check.
 */
export function nonJsonBodyRefusal(method: string, headers: Headers): string | null {
  if (!isStateChanging(method)) return null;
  const type = headers.get("content-type");
  if (type === null) {
    const hasBody = Number(headers.get("content-length") ?? "0") > 0 || headers.has("transfer-encoding");
    return hasBody ? "Request body must be JSON (Content-Type: application/json)" : null;
  }
  const mediaType = type.split(";")[0]!.trim().toLowerCase();
  return mediaType === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType)
    ? null
    : `Request body must be JSON (Content-Type: application/json), not ${mediaType || "an empty type"}`;
}
