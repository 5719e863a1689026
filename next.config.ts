import type { NextConfig } from "next";

// A static policy rather than per-request nonces (Next's CSP guide, "Without Nonces"): nonces
// would force every page into dynamic rendering and the proxy onto every request. The App
// Router's inline bootstrap scripts (self.__next_f.push) then need 'unsafe-inline'. What the
// policy still enforces: no framing, no plugins, no <base> hijacking, no form posts or fetches to
// other origins, no script files from elsewhere. React escapes what it renders and the chat's
// markdown renders no raw HTML, so for script injection this header is a second guard, not the
// only one. Dev mode needs eval (React's debugging, Fast Refresh); production never gets it.
const isDev = process.env.NODE_ENV === "development";
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'", // Recharts and Next set inline styles
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

// Pages and every route handler, /api/v1 and streamed replies included; 404s too.
const securityHeaders = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()" },
];

const nextConfig: NextConfig = {
  // pg and Prisma's driver adapter load native-ish/optional modules; keep them out of the bundle.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "@electric-sql/pglite", "@electric-sql/pglite-socket"],
  poweredByHeader: false,
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
  typedRoutes: false,
  // The production build checks what ships; `npm test` typechecks the whole tree (tests too).
  typescript: { tsconfigPath: "tsconfig.build.json" },
};

export default nextConfig;
