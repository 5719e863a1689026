import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));
const alias = { "@": root };

// Integration tests run twice: on the embedded database (PGlite behind its wire-protocol server,
// exactly as `npm start` runs it) and on a throwaway PostgreSQL 15 cluster started by globalSetup.
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "scripts/**/*.test.ts", "tests/doubles/**/*.test.ts"],
          environment: "node",
          env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "error" },
        },
      },
      {
        resolve: { alias },
        test: {
          name: "pglite",
          include: ["tests/integration/**/*.test.ts"],
          // One JSON log line per gateway request would bury test output; tests of the log set their own logger.
          env: { TEST_DB: "pglite", LOG_LEVEL: process.env.LOG_LEVEL ?? "error" },
          globalSetup: ["tests/setup/pglite-templates.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "postgres",
          include: ["tests/integration/**/*.test.ts"],
          env: { TEST_DB: "postgres", LOG_LEVEL: process.env.LOG_LEVEL ?? "error" },
          globalSetup: ["tests/setup/postgres-cluster.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
