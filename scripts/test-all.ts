// `npm test`: typecheck, formatting (Prettier) and lint (ESLint, no warnings), unit and integration tests (PGlite and PostgreSQL 15), then the browser
// tests against `npm start`. Ends with one plain "N passed, N failed" line for CI.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const out = join(root, ".tmp", "test-results");
mkdirSync(out, { recursive: true });
const bin = (name: string) => join(root, "node_modules", ".bin", name);

type Counts = { passed: number; failed: number; skipped: number };
const total: Counts = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;

function step(title: string, cmd: string, args: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n=== ${title} ===`);
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  console.log(
    `=== ${title}: ${result.status === 0 ? "ok" : `FAILED (exit ${result.status})`} in ${((Date.now() - started) / 1000).toFixed(1)}s ===`,
  );
  if (result.status !== 0) exitCode = 1;
  return result.status === 0;
}

function readJson(file: string): unknown {
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
}

if (!step("typecheck", bin("tsc"), ["--noEmit", "-p", "."])) total.failed++;
if (
  !step("format (prettier --check; fix with npm run format)", bin("prettier"), ["--check", "--log-level", "warn", "."])
)
  total.failed++;
if (!step("lint (eslint, zero warnings)", bin("eslint"), [".", "--max-warnings", "0"])) total.failed++;

const vitestJson = join(out, "vitest.json");
step("unit + integration (vitest: unit, pglite, postgres)", bin("vitest"), [
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${vitestJson}`,
]);
const v = readJson(vitestJson) as
  { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number } | undefined;
if (v) {
  total.passed += v.numPassedTests;
  total.failed += v.numFailedTests;
  total.skipped += v.numPendingTests + v.numTodoTests;
} else total.failed++;

const pwJson = join(out, "playwright.json");
step(
  "end-to-end (Playwright, Debian chromium, app via npm start)",
  bin("playwright"),
  ["test", "--reporter=list,json"],
  { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson },
);
const p = readJson(pwJson) as
  { stats: { expected: number; unexpected: number; flaky: number; skipped: number } } | undefined;
if (p) {
  total.passed += p.stats.expected + p.stats.flaky;
  total.failed += p.stats.unexpected;
  total.skipped += p.stats.skipped;
} else total.failed++;

if (total.failed > 0) exitCode = 1;
console.log(`\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`);
process.exit(exitCode);
