import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  MOCK_EMBEDDING_DIMENSIONS,
  mockEmbedding,
  startMockUpstream,
  type MockUpstream,
} from "../../tests/doubles/mock-upstream.ts";
import { closedPort } from "../../tests/doubles/stream-helpers.ts";
import { float32Base64 } from "./float32-base64.ts";
import { createOpenAiCompatibleAdapter } from "./openai-compatible.ts";
import { readEmbeddings } from "./openai-embeddings.ts";
import { UpstreamError, type ProviderConfig, type UpstreamEmbeddingsRequest } from "./types.ts";

let mock: MockUpstream;
const config = (over: Partial<ProviderConfig> = {}): ProviderConfig => ({
  slug: "mock",
  kind: "OPENAI_COMPATIBLE",
  baseUrl: `${mock.url}/v1`,
  apiKey: "sk-test-embed-123456",
  ...over,
});
const request = (over: Partial<UpstreamEmbeddingsRequest> = {}): UpstreamEmbeddingsRequest => ({
  model: "mock-embed",
  input: ["hello there", "general kenobi again"],
  ...over,
});
const embed = (req = request(), cfg = config(), signal = new AbortController().signal) =>
  createOpenAiCompatibleAdapter(cfg).embed!(req, signal);

beforeAll(async () => {
  mock = await startMockUpstream({ apiKey: "sk-test-embed-123456" });
});
afterAll(() => mock.close());
afterEach(() => {
  mock.resetBehavior();
  mock.clearRequests();
});

async function rejection(p: Promise<unknown>): Promise<UpstreamError> {
  const err = await p.then(
    () => new Error("expected a rejection"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UpstreamError);
  return err as UpstreamError;
}

describe("openai-compatible embeddings", () => {
  it("posts to /embeddings asking for floats, and returns the vectors in order with the upstream's usage", async () => {
    const out = await embed(request({ dimensions: 4, user: "u-1" }));
    expect(out.data).toEqual([mockEmbedding("hello there", 4), mockEmbedding("general kenobi again", 4)]);
    // 2 + 3 words
    expect(out.usage).toEqual({ prompt_tokens: 5 });
    const sent = mock.requests.at(-1)!;
    expect(sent.path).toBe("/v1/embeddings");
    expect(sent.headers.authorization).toBe("Bearer sk-test-embed-123456");
    expect(sent.body).toEqual({
      model: "mock-embed",
      input: ["hello there", "general kenobi again"],
      encoding_format: "float",
      dimensions: 4,
      user: "u-1",
    });
  });

  it("sends token-id inputs as they are, and reads no usage as null", async () => {
    mock.setBehavior({ omitUsage: true });
    const out = await embed(request({ input: [[1, 2, 3], [4]] }));
    expect(out.data).toEqual([
      mockEmbedding([1, 2, 3], MOCK_EMBEDDING_DIMENSIONS),
      mockEmbedding([4], MOCK_EMBEDDING_DIMENSIONS),
    ]);
    expect(out.usage).toBeNull();
    expect(mock.requests.at(-1)!.body.input).toEqual([[1, 2, 3], [4]]);
  });

  it("maps error statuses as the chat call does, with Retry-After, and scrubs the key an upstream echoes", async () => {
    mock.setBehavior({ status: 503, retryAfter: 7, errorMessage: "overloaded" });
    const busy = await rejection(embed());
    expect([busy.status, busy.message, busy.retryAfterSeconds]).toEqual([503, "overloaded", 7]);
    mock.setBehavior({ status: 401, echoCredentials: true });
    const refused = await rejection(embed());
    expect(refused.status).toBe(401);
    expect(refused.message).not.toContain("sk-test-embed-123456");
    const wrongKey = await rejection(embed(request(), config({ apiKey: "sk-wrong" })));
    expect(wrongKey.status).toBe(401);
  });

  it("treats a cut connection, an unreachable host and an abort as UpstreamErrors", async () => {
    // Cut before the status line: as unreachable (0), which falls back like a 5xx.
    mock.setBehavior({ breakAfterChunks: 0 });
    expect((await rejection(embed())).status).toBe(0);
    mock.resetBehavior();
    expect(
      (await rejection(embed(request(), config({ baseUrl: `http://127.0.0.1:${await closedPort()}/v1` })))).status,
    ).toBe(0);
    mock.clearRequests();
    mock.setBehavior({ hangForever: true });
    const ctrl = new AbortController();
    const pending = embed(request(), config(), ctrl.signal);
    await mock.waitFor((r) => r.path === "/v1/embeddings");
    ctrl.abort();
    expect((await rejection(pending)).status).toBe(499);
    await mock.waitFor((r) => r.aborted);
  });

  it("reads replies leniently: base64 vectors, index order, total_tokens alone; refuses a short or malformed one", () => {
    const v = [0.5, -0.25];
    const reply = (data: unknown[], usage: unknown = { prompt_tokens: 3 }) => ({ object: "list", data, usage });
    expect(
      readEmbeddings(
        reply(
          [
            { index: 1, embedding: [1, 0] },
            { index: 0, embedding: float32Base64(v) },
          ],
          { total_tokens: 9 },
        ),
        2,
      ),
    ).toEqual({ data: [v, [1, 0]], usage: { prompt_tokens: 9 } });
    expect(readEmbeddings(reply([{ embedding: [1] }, { embedding: [2] }], null), 2)).toEqual({
      data: [[1], [2]],
      usage: null,
    });
    expect(() => readEmbeddings(reply([{ index: 0, embedding: [1] }]), 2)).toThrow(
      "upstream sent 1 embeddings for 2 inputs",
    );
    expect(() => readEmbeddings(reply([{ index: 0, embedding: [] }]), 1)).toThrow(UpstreamError);
    expect(() => readEmbeddings(reply([{ index: 0, embedding: ["x"] }]), 1)).toThrow(UpstreamError);
    expect(() => readEmbeddings({ nothing: true }, 1)).toThrow("malformed embeddings reply");
  });
});
