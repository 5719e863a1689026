import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT || 3300);
export const E2E_DATA_DIR = ".tmp/e2e-data";
export const E2E_ADMIN = { email: "admin@e2e.test", password: "admin-password-1" };
// Credit purchases go to the local Stripe double (tests/doubles/stripe-server.ts), which accepts
// exactly this key and signs its webhooks with this secret.
const STRIPE_PORT = Number(process.env.E2E_STRIPE_PORT || 12111);
const STRIPE_SECRET_KEY = "sk_test_switchyard_double";
const STRIPE_WEBHOOK_SECRET = "whsec_e2e_switchyard";
// A mock LLM upstream (tests/doubles/e2e-mock-upstream.ts) for providers a spec creates: its model
// list accepts exactly `acceptedKey` and refuses every other key with 401, so the Keys page's
// check of a BYOK key can be seen accepting and refusing without the internet.
export const E2E_MOCK_UPSTREAM = {
  port: Number(process.env.E2E_MOCK_PORT || 12112),
  acceptedKey: "sk-e2e-mock-accepted-0123456789",
};

// Browser tests run against the app started exactly as the README starts it (`npm start`), on a
// fresh embedded database, in Debian's chromium (Playwright's own browser download cannot work offline).
export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    },
  },
  webServer: [
    {
      command: `rm -rf ${E2E_DATA_DIR} && npm start`,
      url: `http://localhost:${PORT}/login`,
      timeout: 600_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        PORT: String(PORT),
        DATA_DIR: E2E_DATA_DIR,
        ADMIN_EMAIL: E2E_ADMIN.email,
        ADMIN_PASSWORD: E2E_ADMIN.password,
        STRIPE_SECRET_KEY,
        STRIPE_WEBHOOK_SECRET,
        STRIPE_API_BASE: `http://127.0.0.1:${STRIPE_PORT}`,
        // Active health checks every 1.5 s instead of each provider's 60 s, so a provider's card
        // turns red and green within seconds (e2e/provider-health.spec.ts).
        SWITCHYARD_HEALTH_CHECK_INTERVAL_MS: "1500",
      },
    },
    {
      // Answers 404 on every GET until a session exists, so readiness is the open port, not a URL.
      command: "node --import tsx tests/doubles/stripe-server.ts",
      port: STRIPE_PORT,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        PORT: String(STRIPE_PORT),
        WEBHOOK_URL: `http://localhost:${PORT}/api/stripe/webhook`,
        WEBHOOK_SECRET: STRIPE_WEBHOOK_SECRET,
      },
    },
    {
      command: "node --import tsx tests/doubles/e2e-mock-upstream.ts",
      port: E2E_MOCK_UPSTREAM.port,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: { PORT: String(E2E_MOCK_UPSTREAM.port), MOCK_ACCEPTED_KEY: E2E_MOCK_UPSTREAM.acceptedKey },
    },
  ],
});
