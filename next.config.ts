import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // pg and Prisma's driver adapter load native-ish/optional modules; keep them out of the bundle.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "@electric-sql/pglite", "@electric-sql/pglite-socket"],
  poweredByHeader: false,
  typedRoutes: false,
  // The production build checks what ships; `npm test` typechecks the whole tree (tests too).
  typescript: { tsconfigPath: "tsconfig.build.json" },
};

export default nextConfig;
