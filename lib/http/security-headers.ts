// A static policy rather than per-request nonces (Next's CSP guide, "Without Nonces"): nonces
// would force every page into dynamic rendering and the proxy onto every request. The App
// Router's inline bootstrap scripts (self.__next_f.push) then need 'unsafe-inline'. What the
// policy still enforces: no framing, no plugins, no <base> hijacking, no form posts or fetches to
// other origins, no script files from elsewhere. React escapes what it renders and the chat's
// markdown renders no raw HTML, so for script injection this header is a second guard, not the
// only one. Dev mode needs eval (React's debugging, Fast Refresh); production never gets it.
function contentSecurityPolicy(dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'", // Recharts and Next set inline styles
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * On every response: pages and route handlers through next.config.ts, the gateway's fast path
 * (scripts/serve.ts) directly. /api/v1 and streamed replies included; 404s too.
 */
export function securityHeaders(dev = false): (readonly [string, string])[] {
  return [
    ["Content-Security-Policy", contentSecurityPolicy(dev)],
    ["X-Frame-Options", "DENY"],
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", "strict-origin-when-cross-origin"],
    ["Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"],
  ];
}
