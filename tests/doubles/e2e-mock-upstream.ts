/**
 * The mock upstream the browser tests point BYOK providers at (playwright.config.ts starts it):
 * tests/doubles/mock-upstream.ts on a fixed port (PORT), accepting exactly one key
 * (MOCK_ACCEPTED_KEY) and refusing every other with 401, as a real provider's model list does.
 * Specs make it fail and recover through its controls: `POST /__double/behavior` with a
 * MockBehavior (e.g. `{"status":503,"modelListStatus":503}`), `POST /__double/reset`.
 *
 *   PORT=12112 MOCK_ACCEPTED_KEY=sk-good node --import tsx tests/doubles/e2e-mock-upstream.ts
 */
import { startMockUpstream } from "./mock-upstream.ts";

const port = Number(process.env.PORT);
const apiKey = process.env.MOCK_ACCEPTED_KEY;
if (!Number.isInteger(port) || port <= 0 || !apiKey) {
  console.error("PORT and MOCK_ACCEPTED_KEY are required");
  process.exit(2);
}
const mock = await startMockUpstream({ port, apiKey, record: false, controls: true });
console.log(`mock upstream on ${mock.url}, accepting one key`);
const stop = () => void mock.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
