import type { NextConfig } from "next";
import { securityHeaders } from "./lib/http/security-headers.ts";

const nextConfig: NextConfig = {
  // pg and Prisma's driver adapter load native-ish/optional modules; keep them out of the bundle.
  // prom-client: one copy for the fast path (scripts/serve.ts) and the /api/metrics route, not a bundled second one.
  serverExternalPackages: [
    "pg",
    "@prisma/adapter-pg",
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "prom-client",
  ],
  poweredByHeader: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: securityHeaders(process.env.NODE_ENV === "development").map(([key, value]) => ({ key, value })),
      },
    ];
  },
  typedRoutes: false,
  // The production build checks what ships; `npm test` typechecks the whole tree (tests too).
  typescript: { tsconfigPath: "tsconfig.build.json" },
};

export default nextConfig;
